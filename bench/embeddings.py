"""Do paper embeddings help expert search? Leave-one-paper-out within one venue, BM25 beside BM25 + embeddings.

Encoding the whole store with all-MiniLM-L6-v2 takes hours on a 2-core machine (15 papers/s under load, title
and keywords only), so the test is made within one venue (ICLR by default, the OpenReview venue with keywords on
every paper), as a reviewer pool is one conference's: the index holds only that venue's papers, N accepted
papers whose first author has 3+ other papers there are hidden, each is asked for with its title and keywords,
and the first author's rank among everyone in the index is reported (top-1/10/100) for
- LabScout as it ranks today (BM25 over the whole record, `search.ranked_people`);
- the same with each paper's match fused with its semantic similarity, (1 - w) * BM25 + w * similarity, where
  the query's meaning is either the centroid of the 10 best BM25 papers (no model at query time) or the query
  itself encoded (the model loaded at query time), over BM25's papers plus the 2,000 nearest by meaning.

    .venv/bin/python bench/embeddings.py [--home .labscout] [--embed] [--encode-query] [--seed 7] [--papers 300]
    .venv/bin/python bench/embeddings.py --venue all --embed --encode-query --papers 500 --seed 1916  # whole store

`--venue all` runs the protocol of `labscout eval ranking --held-out` on the whole store (its sample for a seed,
its twins hidden) with every paper's vector.

`--embed` first runs the embedding step for the venue (cached and resumable: `talent/embeddings.py`); it needs
pip install 'labscout[embeddings]'. Seed 7 is the tuning sample; report on another.
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import numpy.typing as npt
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from labscout.research import arrays
from labscout.research.store import ResearchStore
from labscout.talent import embeddings, heldout, index, search

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Matches = tuple[Ints, Floats, float]


def draw(store: ResearchStore, venue: str, n: int, seed: int) -> tuple[list[tuple[str, str]], int]:
    pool = [(r[0], r[1]) for r in store.con.execute("""
        WITH mine AS (SELECT a.person_id, count(*) AS k FROM papers p JOIN authorships a USING (paper_id)
                      WHERE p.venue = ? GROUP BY a.person_id)
        SELECT p.paper_id, a.person_id FROM papers p JOIN authorships a USING (paper_id) JOIN mine USING (person_id)
        WHERE p.venue = ? AND p.decision = 'accepted' AND a.author_order = 0 AND mine.k - 1 >= 3
        ORDER BY p.paper_id""", [venue, venue]).fetchall()]
    return random.Random(seed).sample(pool, min(n, len(pool))), len(pool)


def fused(ti: index.TalentIndex, vectors: npt.NDArray[np.float32], usable: npt.NDArray[np.bool_], text: str,
          weight: float, meaning: npt.NDArray[np.float32] | None) -> Matches:
    """BM25's papers and matches with the semantic similarity fused in (`meaning`: the query encoded, else the
    centroid of the best BM25 papers)."""
    idx, match, power = search._matches(ti, text, until=None, since=None, weights=search.RankWeights())
    if weight <= 0 or not len(idx):
        return idx, match, power
    if meaning is None:
        top = idx[:10][usable[idx[:10]]]
        if not len(top):
            return idx, match, power
        meaning = vectors[top].mean(axis=0)
    centre = meaning / (np.linalg.norm(meaning) or 1.0)
    similarity = vectors @ centre
    similarity[~usable] = -1.0
    candidates = np.union1d(idx, np.argpartition(-similarity, 2000)[:2000])
    bm25 = np.zeros(len(ti.papers))
    bm25[idx] = match
    s = similarity[candidates]
    median = float(np.median(s))
    semantic = np.clip((s - median) / ((s.max() - median) or 1.0), 0.0, 1.0)
    score = (1 - weight) * bm25[candidates] + weight * semantic
    order = np.argsort(-score, kind="stable")[:2000]
    return candidates[order], score[order] / (score[order][0] or 1.0), power


def rank_all(ti: index.TalentIndex, sample: list[tuple[str, str]], texts: dict[str, tuple[str, list[str], str]],
             matches: Callable[[str], Matches]) -> list[float]:
    found: list[int | None] = []
    for paper_id, person_id in sample:
        title, keywords, _ = texts[paper_id]
        text = heldout.query_text(title, keywords)
        scored = search.score_people(ti, text, matches=matches(text))
        ranked = [] if scored is None else scored.people[scored.ranked()].tolist()
        target = ti.people.index_of(person_id)
        found.append(ranked.index(target) + 1 if target in ranked else None)
    return [sum(1 for r in found if r is not None and r <= k) / len(found) for k in heldout.CUTS]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--home", type=Path, default=Path(os.environ.get("LABSCOUT_HOME", ".labscout")))
    parser.add_argument("--venue", default="iclr")
    parser.add_argument("--papers", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--embed", action="store_true", help="run the (resumable) embedding step first")
    parser.add_argument("--encode-query", action="store_true", help="also fuse with the query itself encoded")
    parser.add_argument("--weights", default="0.3,0.5,0.7,1.0", help="fusion weights of the encoded query")
    parser.add_argument("--no-centroid", action="store_true", help="leave out the centroid rows")
    args = parser.parse_args()
    store = ResearchStore(args.home / "research.duckdb")
    if args.embed:
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns) as bar:
            task = bar.add_task(f"encoding {args.venue} papers", total=None)
            report = embeddings.embed_store(store, embeddings.load_encoder,
                                            venues=None if args.venue == "all" else {args.venue},
                                            progress=lambda done, total: bar.update(task, completed=done, total=total))
        print(f"{report.encoded:,} encoded now, {report.cached:,} already")
    whole = args.venue == "all"
    if whole:
        # The protocol of `labscout eval ranking --held-out`: the whole store, its sample and its twins hidden.
        sample, eligible = heldout.draw(store, args.papers, args.seed), len(arrays.held_out_candidates(store))
        hidden = frozenset([p for p, _ in sample] + arrays.same_work(store, [p for p, _ in sample]))
    else:
        sample, eligible = draw(store, args.venue, args.papers, args.seed)
        others = {r[0] for r in store.con.execute("SELECT paper_id FROM papers WHERE venue <> ?",
                                                  [args.venue]).fetchall()}
        hidden = frozenset(others | {p for p, _ in sample})
    with tempfile.TemporaryDirectory(prefix="labscout-embeddings-") as tmp:
        folder = Path(tmp) / "index"
        if whole:
            ti = index.open_held_out(store, sorted(hidden), folder)
        else:
            index.build_cache(store, folder, "held-out", hidden=hidden)
            ti = index._open(store, folder, "held-out", hidden=hidden)
        loaded = embeddings.load_vectors(store, ti.papers.paper_ids)
        if loaded is None:
            raise SystemExit("no embeddings yet: run with --embed")
        # A hidden paper's vector must not find its authors.
        usable = loaded.known & ~np.isin(ti.papers.paper_ids.to_numpy(zero_copy_only=False), np.array(sorted(hidden)))
        vectors = np.asarray(loaded.vectors, dtype=np.float32)
        texts = arrays.paper_keywords(store, [p for p, _ in sample])
        print(f"{args.venue}: {len(sample)} of {eligible:,} eligible papers hidden (seed {args.seed}); "
              f"{int(usable.sum()):,} papers with vectors in the index")
        encode = embeddings.load_encoder() if args.encode_query else None
        rows: list[tuple[str, Callable[[str], Matches]]] = [("BM25 (LabScout today)", lambda t: fused(
            ti, vectors, usable, t, 0.0, None))]
        for w in () if args.no_centroid else (0.3, 0.5, 0.7):
            rows.append((f"+ centroid of best BM25 papers, w={w}",
                         lambda t, w=w: fused(ti, vectors, usable, t, w, None)))
        if encode is not None:
            for w in (float(x) for x in args.weights.split(",")):
                rows.append((f"+ query encoded, w={w}", lambda t, w=w: fused(
                    ti, vectors, usable, t, w, encode([t])[0])))
        for label, matches in rows:
            started = time.perf_counter()
            shares = rank_all(ti, sample, texts, matches)
            print(f"{label:42s} top-1/10/100 " + " / ".join(f"{s:.1%}" for s in shares)
                  + f"   ({time.perf_counter() - started:.0f} s)", flush=True)


if __name__ == "__main__":
    main()
