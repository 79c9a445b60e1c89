"""`python -m labscout.cli`: the same command as `labscout`."""

from labscout.cli import main

main()
