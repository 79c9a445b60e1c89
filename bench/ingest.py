"""Ingest speed and memory: full build of the research store vs merely parsing the same JSON with orjson.

Each figure is the median of fresh-process runs measured in this one invocation, so the ratios hold even
on a noisy machine. A synthetic corpus ten times larger (same format; names and ids changed per copy so
that it holds ten times the people, not the same people ten times) shows whether cost grows linearly.

With --corrections N it also measures what N identity corrections (half merges, half splits, drawn from
the built store) add to a full ingest, and how long one correction takes to show in `person show`.

    .venv/bin/python bench/ingest.py [--data ../shared/data/paperlists] [--runs 3] [--scale 10]
                                     [--corrections 1000]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
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


BUILD_CORRECTED = """
import sys, orjson
from pathlib import Path
from labscout.identity.constraints import collect, from_payload
from labscout.research.build import build_store
rows = orjson.loads(Path(sys.argv[3]).read_bytes())
build_store([Path(sys.argv[1])], Path(sys.argv[2]),
            corrections=collect(from_payload(r["id"], r["payload"]) for r in rows))
"""


def make_corrections(store: Path, count: int, target: Path) -> None:
    """`count` corrections like a team's: merges of two same-name people, splits of a person's first paper."""
    import random

    from labscout.identity.constraints import to_payload
    from labscout.research import corrections as planning
    from labscout.research.store import ResearchStore

    rng = random.Random(7)
    made: list[dict[str, object]] = []
    with ResearchStore(store) as s:
        pairs = s.rows("""SELECT name, list(person_id ORDER BY person_id)[1:2] AS ids FROM people
                          GROUP BY name HAVING count(*) >= 2""")
        rng.shuffle(pairs)
        for row in pairs:
            if len(made) >= count // 2:
                break
            try:
                c = planning.plan_merge(s, f"m{len(made)}", row["ids"][0], row["ids"][1])
            except Exception:  # co-authors of one paper cannot be merged: take the next name
                continue
            made.append({"id": c.correction_id, "payload": to_payload(c)})
        people = s.rows("SELECT person_id FROM people WHERE n_papers >= 3 ORDER BY person_id")
        rng.shuffle(people)
        for row in people[: count - len(made)]:
            first = s.one("SELECT min(paper_id) AS paper FROM authorships WHERE person_id = ?", [row["person_id"]])
            assert first is not None
            c = planning.plan_split(s, f"s{len(made)}", row["person_id"], papers=[first["paper"]])
            made.append({"id": c.correction_id, "payload": to_payload(c)})
    target.write_bytes(orjson.dumps(made))


def correction_latency(store: Path, runs: int) -> tuple[float, float]:
    """Median seconds to apply one merge to the store, and to then print the person with the CLI."""
    from labscout.research import corrections as planning
    from labscout.research import patch
    from labscout.research.store import ResearchStore

    applied, shown = [], []
    cli = str(Path(sys.executable).with_name("labscout"))
    for n in range(runs):
        with ResearchStore(store) as s:
            ids = [r["person_id"] for r in s.rows(
                "SELECT person_id FROM people WHERE name = 'Yang Liu' ORDER BY n_papers DESC LIMIT 2")]
            c = (planning.plan_merge(s, f"bench{n}", ids[0], ids[1]) if n % 2 == 0 else
                 planning.plan_split(s, f"bench{n}", ids[0], papers=[p["paper_id"] for p in s.rows(
                     "SELECT paper_id FROM authorships WHERE person_id = ? LIMIT 5", [ids[0]])]))
        started = time.perf_counter()
        with patch.store_lock(store):
            patch.apply_corrections(store, [c])
        applied.append(time.perf_counter() - started)
        subprocess.run([cli, "person", "show", ids[0], "--json"], check=True, stdout=subprocess.DEVNULL,
                       env={**os.environ, "LABSCOUT_HOME": str(store.parent)})
        shown.append(time.perf_counter() - started)
    return statistics.median(applied), statistics.median(shown)


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
    parser.add_argument("--corrections", type=int, default=0, help="also time a build with this many corrections")
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
        if args.corrections:
            _corrections_figures(args, Path(store), Path(tmp))
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


def _corrections_figures(args: argparse.Namespace, store: Path, tmp: Path) -> None:
    rows = tmp / "corrections.json"
    make_corrections(store, args.corrections, rows)
    count = len(orjson.loads(rows.read_bytes()))
    plain, corrected = [], []
    # Interleaved, so that both see the same machine load.
    for _ in range(args.runs):
        plain.append(measure(BUILD, str(args.data), str(store), runs=1)[0])
        corrected.append(measure(BUILD_CORRECTED, str(args.data), str(store), str(rows), runs=1)[0])
    base, with_c = statistics.median(plain), statistics.median(corrected)
    print(f"full ingest without corrections {base:.2f} s, with {count} corrections {with_c:.2f} s: "
          f"+{(with_c / base - 1) * 100:.1f}% (medians of {args.runs} interleaved runs)")
    applied, shown = correction_latency(store, max(3, args.runs))
    print(f"one correction: applied to the full store in {applied:.2f} s, shown by `labscout person show` "
          f"{shown:.2f} s after the command (medians)")


if __name__ == "__main__":
    main()
