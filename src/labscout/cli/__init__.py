"""The `labscout` command: parse, call a service, print a Rich table or JSON.

Each module registers its commands on the shared root app; importing them here assembles the whole command.
"""

from labscout.cli import (  # noqa: F401  (registers their commands)
    corrections,
    offers,
    pipeline,
    pipeline_admin,
    research,
    talent,
    team,
    web,
)
from labscout.cli.common import app

__all__ = ["app"]
