"""Ingest speed and memory: full build of the research store vs merely parsing the same JSON with orjson.

Each figure is the median of fresh-process runs measured in this one invocation, so the ratios hold even
on a noisy machine. A synthetic corpus ten times larger (same format; names and ids changed per copy so
that it holds ten times the people, not the same people ten times) shows whether cost grows linearly.

    .venv/bin/python bench/ingest.py [--data ../shared/data/paperlists] [--runs 3] [--scale 10]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import orjson

PARSE_ONLY = """
import sys, orjson
from pathlib import Path
for path in sorted(Path(sys.argv[1]).rglob('*.json')):
    orjson.loads(path.read_bytes())
"""

BUILD = """
import sys
from pathlib import Path
from labscout.research.build import build_store
build_store([Path(sys.argv[1])], Path(sys.argv[2]))
"""


def measure(code: str, *args: str, runs: int) -> tuple[float, float]:
    """Median wall seconds and median peak RSS (MiB) over fresh processes."""
    walls, rss = [], []
    for _ in range(runs):
        wrapper = (
            "import resource, subprocess, sys, time\n"
            "t = time.perf_counter()\n"
            "p = subprocess.run([sys.executable, '-c', sys.argv[1], *sys.argv[2:]], stdout=subprocess.DEVNULL)\n"
            "w = time.perf_counter() - t\n"
            "print(w, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, p.returncode)\n"
        )
        proc = subprocess.run([sys.executable, "-c", wrapper, code, *args], capture_output=True, text=True)
        fields = proc.stdout.split()
        if len(fields) != 3 or fields[2] != "0":
            raise SystemExit(f"benchmark child failed ({proc.stdout.strip()}):\n{proc.stderr[-3000:]}")
        wall_s, rss_kib, _ = fields
        walls.append(float(wall_s))
        rss.append(int(rss_kib) / 1024)
    return statistics.median(walls), statistics.median(rss)


def make_synthetic(source: Path, target: Path, scale: int) -> None:
    """`scale` copies of every file, each copy with its own people, paper ids and titles."""
    for copy in range(scale):
        for path in sorted(source.rglob("*.json")):
            rows = orjson.loads(path.read_bytes())
            for row in rows:
                if copy:
                    _perturb(row, copy)
            out = target / f"copy{copy}" / path.parent.name / path.name
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(orjson.dumps(rows))


def _perturb(row: dict[str, object], copy: int) -> None:
    tag = f"x{copy}"
    for key in ("author", "authors"):
        value = row.get(key)
        if isinstance(value, str) and value:
            sep = ";" if ";" in value else ","
            row[key] = sep.join(f"{name.strip()}{tag}" if name.strip() else name for name in value.split(sep))
    ids = row.get("authorids")
    if isinstance(ids, str) and ids:
        row["authorids"] = ";".join(f"{i.strip()}{tag}" if i.strip() else i for i in ids.split(";"))
    for key in ("id", "title"):
        value = row.get(key)
        if isinstance(value, str):
            row[key] = f"{value} {tag}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=Path("../shared/data/paperlists"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--scale", type=int, default=10, help="synthetic corpus size factor (0: skip)")
    args = parser.parse_args()
    if not args.data.is_dir():
        raise SystemExit(f"no paper lists at {args.data}; pass --data PATH")
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        store = str(Path(tmp) / "research.duckdb")
        parse_1x = measure(PARSE_ONLY, str(args.data), runs=args.runs)
        build_1x = measure(BUILD, str(args.data), store, runs=args.runs)
        results["1x"] = {"parse_s": parse_1x[0], "parse_rss_mib": parse_1x[1],
                         "build_s": build_1x[0], "build_rss_mib": build_1x[1]}
        if args.scale > 1:
            big = Path(tmp) / "synthetic"
            make_synthetic(args.data, big, args.scale)
            parse_nx = measure(PARSE_ONLY, str(big), runs=max(1, args.runs - 2))
            build_nx = measure(BUILD, str(big), store, runs=max(1, args.runs - 2))
            results[f"{args.scale}x"] = {"parse_s": parse_nx[0], "parse_rss_mib": parse_nx[1],
                                         "build_s": build_nx[0], "build_rss_mib": build_nx[1]}
    print(f"{'corpus':<8}{'orjson parse s':>16}{'full ingest s':>15}{'ingest/parse':>14}"
          f"{'ingest peak RSS MiB':>21}{'time vs 1x':>12}{'RSS vs 1x':>11}")
    base = results["1x"]
    for name, r in results.items():
        print(f"{name:<8}{r['parse_s']:>16.2f}{r['build_s']:>15.2f}{r['build_s'] / r['parse_s']:>14.1f}"
              f"{r['build_rss_mib']:>21.0f}{r['build_s'] / base['build_s']:>12.2f}"
              f"{r['build_rss_mib'] / base['build_rss_mib']:>11.2f}")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
