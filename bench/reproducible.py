"""Same sources, same store: two full builds under different hash seeds and file orders, compared table by table.

    .venv/bin/python bench/reproducible.py [--data ../shared/data/paperlists] [--eval]

Each build runs in a fresh process with its own PYTHONHASHSEED, the second with the venue folders given in
reverse order, into a fresh store (no previous ids to carry). It prints a SHA-256 of every derived table
read in a total order (`research.digest`), and of the partition into people as sets of mentions, and says
whether the two builds agree. With --eval it also runs `labscout eval identity --json` under both seeds and
compares the figures (all but the timings).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BUILD = """
import sys
from pathlib import Path
from labscout.research.build import build_store
build_store([Path(p) for p in sys.argv[2:]], Path(sys.argv[1]))
"""


def build(dest: Path, paths: list[Path], seed: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", BUILD, str(dest), *map(str, paths)], check=True,
                   env={**os.environ, "PYTHONHASHSEED": seed})
    return time.perf_counter() - started


def _without_timings(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_timings(v) for k, v in value.items() if k != "seconds"}
    if isinstance(value, list):
        return [_without_timings(v) for v in value]
    return value


def evaluate(data: Path, home: Path, seed: str) -> Any:
    labscout = Path(sys.executable).with_name("labscout")
    found = subprocess.run([str(labscout), "eval", "identity", str(data), "--json"],
                           check=True, capture_output=True, text=True,
                           env={**os.environ, "PYTHONHASHSEED": seed, "LABSCOUT_HOME": str(home)})
    return _without_timings(json.loads(found.stdout))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=Path("../shared/data/paperlists"))
    parser.add_argument("--eval", action="store_true", help="also compare `labscout eval identity` figures")
    args = parser.parse_args()
    from labscout.research.digest import table_digests

    data = args.data.resolve()
    folders = sorted(p for p in data.iterdir() if p.is_dir()) or [data]
    with tempfile.TemporaryDirectory(prefix="labscout-repro-") as tmp:
        homes = [Path(tmp) / "a", Path(tmp) / "b"]
        for home in homes:
            home.mkdir()
        runs = [("1", folders), ("2", list(reversed(folders)))]
        digests = []
        for home, (seed, paths) in zip(homes, runs, strict=True):
            seconds = build(home / "research.duckdb", paths, seed)
            digests.append(table_digests(home / "research.duckdb"))
            print(f"build with PYTHONHASHSEED={seed}, folders {'reversed' if paths != folders else 'in order'}: "
                  f"{seconds:.1f} s")
        print(f"{'table':<20} {'first build':<16} {'second build':<16} same")
        for table in digests[0]:
            a, b = digests[0][table], digests[1][table]
            print(f"{table:<20} {a[:16]} {b[:16]} {'yes' if a == b else 'NO'}")
        same = digests[0] == digests[1]
        print("the two builds are byte-identical in every derived table" if same else "the builds DIFFER")
        if args.eval:
            figures = [evaluate(data, home, seed) for home, (seed, _) in zip(homes, runs, strict=True)]
            print("identity figures the same under both seeds" if figures[0] == figures[1]
                  else "identity figures DIFFER")
            same = same and figures[0] == figures[1]
    sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()
