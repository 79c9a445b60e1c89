"""What the search use case costs beside the ranking it calls: `views.search_view` (the people called the text,
then the experts, a window of 25) against `search.find_experts` alone (the floor), on a built store.

Topics and names are timed interleaved, query by query, in the same process, after one warm-up each; the
figures are medians of this run and their ratio.

    .venv/bin/python bench/search_use_case.py [--home .labscout] [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from labscout.research import queries
from labscout.research.store import ResearchStore
from labscout.talent import index, search, views

TOPICS = ["vision transformers", "diffusion models", "RL for LLM reasoning", "graph neural networks"]
NAMES = ["Yejin Choi", "Sergey Levine"]


def timed(fn: object) -> float:
    start = time.perf_counter()
    fn()  # type: ignore[operator]
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, default=Path(".labscout"))
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with ResearchStore(args.home / "research.duckdb") as store:
        ti = index.open_index(store)
        for text in TOPICS + NAMES:
            views.search_view(store, ti, text)
        floor, case, called = [], [], {"topic": [], "name": []}  # type: ignore[var-annotated]
        for _ in range(args.runs):
            for text in TOPICS + NAMES:
                floor.append(timed(lambda t=text: search.find_experts(store, ti, t, top=26)))
                case.append(timed(lambda t=text: views.search_view(store, ti, t, limit=25)))
                called["name" if text in NAMES else "topic"].append(
                    timed(lambda t=text: queries.people_called(store, t)))
    ms = {k: statistics.median(v) * 1000 for k, v in (("floor", floor), ("case", case))}
    print(f"find_experts (floor) median {ms['floor']:.1f} ms; search_view median {ms['case']:.1f} ms; "
          f"ratio {ms['case'] / ms['floor']:.2f}")
    print("people_called median: " + ", ".join(f"{k} {statistics.median(v) * 1000:.1f} ms" for k, v in called.items()))


if __name__ == "__main__":
    main()
