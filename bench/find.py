"""Expert search and introduction latency on a built store: p50/p95 warm, and the first query after start.

100 varied queries (the evaluation topics, frequent keywords of the store, some with filters) are timed after
one warm-up each; the first query after start is timed in fresh processes (opening the store and the index
included, the search index already cached). Warm latencies are medians and 95th percentiles of this run.

Beside `find`, in the same process and on the same index, the floor (`../shared/PERFORMANCE.md`): tantivy
alone (the query's words over the same fields, as many papers as `find` considers), and the same plus a sum
per author through the paper-id fast field and an in-memory paper -> authors map. `find` does more (weighted
words, phrases, expansions, impact, momentum, filters, evidence), so its p95 is quoted as a ratio to the floor's.

    .venv/bin/python bench/find.py [--home .labscout] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from labscout.research.store import ResearchStore
from labscout.talent import eval as ranking_eval
from labscout.talent import index, network, search

FIRST_QUERY = """
import sys, time
t = time.perf_counter()
from pathlib import Path
from labscout.research.store import ResearchStore
from labscout.talent import index, search
imported = time.perf_counter()
store = ResearchStore(Path(sys.argv[1]))
found = search.find_experts(store, index.open_index(store), "diffusion models", top=20)
done = time.perf_counter()
print(done - imported, done - t, len(found))
"""


def queries(store: ResearchStore) -> list[tuple[str, search.SearchFilters]]:
    """100 queries: topics, frequent keywords and primary areas, a fifth of them with a filter."""
    texts = list(ranking_eval.TOPICS)
    rows = store.rows("""SELECT k, count(*) AS n FROM (SELECT unnest(keywords) AS k FROM papers)
                         WHERE length(k) > 4 GROUP BY k ORDER BY n DESC LIMIT 200""")
    texts += [r["k"] for r in rows if r["k"].lower() not in {t.lower() for t in texts}][: 100 - len(texts)]
    filters = [search.SearchFilters(org_kind="industry"), search.SearchFilters(country="US"),
               search.SearchFilters(since=2022), search.SearchFilters(seniority="junior"),
               search.SearchFilters(org="stanford")]
    return [(t, filters[n // 5 % len(filters)] if n % 5 == 0 else search.SearchFilters())
            for n, t in enumerate(texts[:100])]


def floor_query(ti: index.TalentIndex, authors_of: list[list[int]], text: str, considered: int,
                with_people: bool) -> int:
    """The least a search for people can do: BM25 over the same fields, then (optionally) a sum per author."""
    words = " ".join(w for w in "".join(c if c.isalnum() else " " for c in text.lower()).split()
                     if w not in ("and", "or", "not"))
    hits = ti.searcher.search(ti.index.parse_query(words, list(index.TEXT_FIELDS)), considered, count=False).hits
    if not with_people:
        return len(hits)
    totals: dict[int, float] = {}
    for (score, _), i in zip(hits, ti.searcher.fast_field_values("idx", [a for _, a in hits]), strict=True):
        for person in authors_of[i]:
            totals[person] = totals.get(person, 0.0) + score
    return len(sorted(totals, key=totals.__getitem__, reverse=True)[:50])


def timed(fn: Callable[[], object]) -> float:
    fn()
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--home", type=Path, default=Path(os.environ.get("LABSCOUT_HOME", ".labscout")))
    parser.add_argument("--runs", type=int, default=3, help="fresh processes for the first-query figure")
    args = parser.parse_args()
    path = args.home / "research.duckdb"
    if not path.exists():
        raise SystemExit(f"no research store at {path}; run `labscout ingest` or pass --home")
    store = ResearchStore(path)
    started = time.perf_counter()
    ti = index.open_index(store)  # makes the search index on first use: not part of the figures below
    print(f"index ready in {time.perf_counter() - started:.2f} s ({ti.searcher.num_docs:,} papers)")
    firsts, totals = [], []
    for _ in range(args.runs):
        out = subprocess.run([sys.executable, "-c", FIRST_QUERY, str(path)], capture_output=True, text=True,
                             check=True).stdout.strip().splitlines()[-1].split()
        firsts.append(float(out[0]))
        totals.append(float(out[1]))
    considered = search.RankWeights().papers_considered
    start, person = ti.papers.author_start.tolist(), ti.papers.author_person.tolist()
    authors_of = [person[start[i]:start[i + 1]] for i in range(len(ti.papers))]
    warm, alone, floor = [], [], []
    # Interleaved, query by query, so that the machine's ups and downs hit all three alike.
    for text, filters in queries(store):
        warm.append(timed(partial(search.find_experts, store, ti, text, top=50, filters=filters)))
        alone.append(timed(partial(floor_query, ti, authors_of, text, considered, with_people=False)))
        floor.append(timed(partial(floor_query, ti, authors_of, text, considered, with_people=True)))
    people = [r["person_id"] for r in store.rows(
        "SELECT person_id FROM people WHERE n_papers >= 10 ORDER BY person_id LIMIT 20")]
    intro = []
    for person in people:
        t = time.perf_counter()
        network.find_intro_paths(store, person, via_org="stanford")
        intro.append(time.perf_counter() - t)
    ms = 1000
    for label, values in (("tantivy alone", alone), ("floor: tantivy + per-author sum", floor), ("find", warm)):
        print(f"{label}, {len(values)} queries warm: p50 {statistics.median(values) * ms:.1f} ms, "
              f"p95 {percentile(values, 0.95) * ms:.1f} ms, max {max(values) * ms:.1f} ms")
    print(f"find / floor: p50 {statistics.median(warm) / statistics.median(floor):.2f}x, "
          f"p95 {percentile(warm, 0.95) / percentile(floor, 0.95):.2f}x")
    print(f"first query after start (median of {args.runs} fresh processes): {statistics.median(firsts):.2f} s "
          f"after imports, {statistics.median(totals):.2f} s with imports")
    print(f"intro (via Stanford, {len(intro)} people with 10+ papers): p50 {statistics.median(intro) * ms:.0f} ms, "
          f"p95 {percentile(intro, 0.95) * ms:.0f} ms")


if __name__ == "__main__":
    main()
