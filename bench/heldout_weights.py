"""Leave-one-paper-out for several weight sets on one held-out index: for tuning `search.RankWeights`.

`labscout eval ranking --held-out N --seed S` builds the index without the hidden papers and asks once; this
builds it once into a folder kept between runs (rebuilt only when the hidden set or the store changes) and
ranks the same hidden papers with every weight set given, in one process. The papers found for a query are
cached across weight sets that search alike, so a set that only changes how people are credited costs the
scoring alone.

Each `--try` is a weight set: comma-separated `field=value` over `RankWeights` (`fields.title=2` for a field
boost); the defaults are always measured first. Also printed, the ceiling: the share
of hidden papers whose first author has a paper among the 1, 3, ... best papers the query finds (printed
for every weight set that searches differently).

    .venv/bin/python bench/heldout_weights.py --seed 16 --held-out 500 --try long_decay=0.5 --try long_impact=0
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import time
from pathlib import Path
from typing import Any

import numpy as np

from labscout.errors import InvalidError
from labscout.research import arrays
from labscout.research.store import ResearchStore
from labscout.talent import heldout, index, search

_SEARCH_FIELDS = ("fields", "papers_considered", "off_core", "match_power_short",
                  "match_power_long", "short_query_weight", "long_query_weight")


def parse(spec: str) -> search.RankWeights:
    """`a=1,fields.title=2` -> RankWeights with those fields replaced."""
    top: dict[str, Any] = {}
    boosts: dict[str, Any] = {}
    base = search.RankWeights()
    for item in filter(None, (s.strip() for s in spec.split(","))):
        name, _, value = item.partition("=")
        if name.startswith("fields."):
            key = name.removeprefix("fields.")
            boosts[key] = type(getattr(base.fields, key))(float(value))
        else:
            top[name] = type(getattr(base, name))(float(value))
    if boosts:
        top["fields"] = dataclasses.replace(base.fields, **boosts)
    return dataclasses.replace(base, **top)


def held_out_index(store: ResearchStore, hidden: list[str], folder: Path) -> index.TalentIndex:
    key = hashlib.sha256(("|".join(sorted(hidden)) + arrays.build_stamp(store)).encode()).hexdigest()[:16]
    marker = folder / "KEY"
    if marker.exists() and marker.read_text() == key:
        return index._open(store, folder / "index", "held-out", hidden=frozenset(hidden))
    folder.mkdir(parents=True, exist_ok=True)
    ti = index.open_held_out(store, hidden, folder / "index")
    marker.write_text(key)
    return ti


def ceiling(ti: index.TalentIndex, found: list[tuple[Any, Any, float] | None], targets: list[int]) -> str:
    """Where the first author's best paper is among the papers found: a person can only be ranked from the
    papers found, and the top 10 people come from the first few papers."""
    p = ti.papers
    best: list[int | None] = []
    for m, target in zip(found, targets, strict=True):
        mine = np.flatnonzero(p.author_person == target)
        own = np.searchsorted(p.author_start, mine, side="right") - 1
        where = np.flatnonzero(np.isin(m[0], own)) if m is not None else np.zeros(0, dtype=np.int64)
        best.append(int(where[0]) + 1 if len(where) else None)
    cuts = (1, 3, 10, 30, 100, 300, 1000, max((len(m[0]) for m in found if m is not None), default=0))
    return "  ceiling: the first author's best paper among the papers found, in the top " + ", ".join(
        f"{k}: {sum(b is not None and b <= k for b in best) / len(best):.1%}" for k in cuts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--home", type=Path, default=Path(".labscout"))
    parser.add_argument("--held-out", type=int, default=500)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--folder", type=Path, default=None)
    parser.add_argument("--try", dest="tries", action="append", default=[])
    args = parser.parse_args()
    store = ResearchStore(args.home / "research.duckdb")
    sample = heldout.draw(store, args.held_out, args.seed)
    hidden = [p for p, _ in sample]
    hidden += arrays.same_work(store, hidden)
    folder = args.folder or Path(f"/tmp/labscout-heldout-{args.seed}-{args.held_out}")
    t = time.perf_counter()
    ti = held_out_index(store, hidden, folder)
    print(f"index: {time.perf_counter() - t:.1f} s ({folder})")
    texts = arrays.paper_keywords(store, hidden[:len(sample)])
    asks = [(heldout.query_text(*texts[p][:2]), ti.people.index_of(person)) for p, person in sample]
    with_ids = arrays.people_with_openreview_ids(store)
    reviewers = np.array([pid in with_ids for pid in ti.people.person_ids.to_pylist()], dtype=np.bool_) & (
        ti.people.accepted_papers >= 3)
    found: dict[tuple[Any, ...], list[tuple[Any, Any, float] | None]] = {}
    sets = [("defaults", search.RankWeights())] + [(spec, parse(spec)) for spec in args.tries]
    print(f"{'weights':60s} top1  top10 top100 | pool: top1 top10 top100 | median  s")
    for label, weights in sets:
        t = time.perf_counter()
        key = tuple(getattr(weights, f) for f in _SEARCH_FIELDS)
        if key not in found:
            cached: list[tuple[Any, Any, float] | None] = []
            for text, _ in asks:
                try:
                    cached.append(search._matches(ti, text, until=None, since=None, weights=weights))
                except InvalidError:
                    cached.append(None)
            found[key] = cached
            print(ceiling(ti, cached, [target for _, target in asks]))
        ranks, pooled = [], []
        for m, (text, target) in zip(found[key], asks, strict=True):
            scored = None if m is None else search.score_people(ti, text, weights=weights, matches=m)
            order = np.zeros(0, dtype=np.int64) if scored is None else scored.people[scored.ranked()]
            where = np.flatnonzero(order == target)
            ranks.append(int(where[0]) + 1 if len(where) else None)
            mine = order[reviewers[order]]
            where = np.flatnonzero(mine == target)
            pooled.append(int(where[0]) + 1 if len(where) else None)

        def shares(rs: list[int | None]) -> str:
            return " ".join(f"{sum(r is not None and r <= k for r in rs) / len(rs):5.1%}" for k in heldout.CUTS)

        placed = [r for r in ranks if r is not None]
        print(f"{label[:60]:60s} {shares(ranks)} | {shares(pooled)} | {np.median(placed) if placed else 0:6.0f} "
              f"{time.perf_counter() - t:4.1f}", flush=True)


if __name__ == "__main__":
    main()
