"""Person-resolution quality: B-cubed against hidden OpenReview ids, beside the exact-name baseline.

    .venv/bin/python bench/identity.py [--data ../shared/data/paperlists]

Prints the same table as `labscout eval identity`, plus the time the evaluation took.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console

from labscout import terminal
from labscout.identity.eval import evaluate_identity


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=Path("../shared/data/paperlists"))
    args = parser.parse_args()
    if not args.data.is_dir():
        raise SystemExit(f"no paper lists at {args.data}; pass --data PATH")
    report = evaluate_identity([args.data])
    terminal.print_identity_report(Console(), report, None)


if __name__ == "__main__":
    main()
