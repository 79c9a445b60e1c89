"""`python -m labscout.cli`: the same command as `labscout`."""

from labscout.cli import app

app(prog_name="labscout")
