"""The `labscout` command: parse, call a service, print a Rich table or JSON.

Each module registers its commands on the shared root app; importing them here assembles the whole command.
"""

from __future__ import annotations

import sys

from labscout.cli import (  # noqa: F401  (registers their commands)
    corrections,
    offers,
    openalex,
    pipeline,
    pipeline_admin,
    research,
    talent,
    team,
    watch,
    web,
)
from labscout.cli.common import app, dump

__all__ = ["app", "main"]


def main(args: list[str] | None = None) -> None:
    """The entry point: `app`, except that with --json even a usage error (a bad option) is a JSON document."""
    argv = sys.argv[1:] if args is None else args
    if "--json" not in argv:
        app(args=argv, prog_name="labscout")
        return
    try:
        code = app(args=argv, prog_name="labscout", standalone_mode=False)
    except Exception as exc:  # Click's own errors: a bad option or argument, before any command ran
        message = getattr(exc, "format_message", None)
        if message is None:
            raise
        dump({"error": {"kind": "usage", "message": message()}})
        sys.exit(getattr(exc, "exit_code", 2))
    sys.exit(code if isinstance(code, int) else 0)
