"""Leave-one-paper-out: hide papers, ask with each one's title and keywords, see where its first author lands.

The protocol of openreview-expertise's affinity evaluation, made for people rather than reviewers: draw N
accepted papers whose first author has an OpenReview id and at least three other accepted papers; build the
whole index from the rest (text, impact, expansions: as if the hidden papers had never been published); query
with each hidden paper's title and keywords; report the share whose first author is ranked in the top 1, 10
and 100. Beside it, in the same run and on the same index, plain BM25 summed per printed name: the floor any
expert search must clear.

Other records of a hidden paper's work (the same title with an author in common: a workshop version, a
resubmission) are hidden with it, or the first author would be found by their twin. Everyone in the index is a
candidate, as in the product; the published anchor ranks a conference's reviewers only, so LabScout is also
reported among a reviewer-like pool (people with an OpenReview id and 3+ accepted papers in the index).
"""

from __future__ import annotations

import random
import tempfile
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, cast

import numpy as np

from labscout.errors import InvalidError
from labscout.research import arrays
from labscout.research.store import ResearchStore
from labscout.talent import index, search

CUTS = (1, 10, 100)
POOLED = "LabScout, among a reviewer-like pool"


@dataclass(frozen=True, slots=True)
class MethodResult:
    method: str
    found_at: dict[int, float]     # k -> share of hidden papers whose first author is in the top k
    median_rank: float | None      # over the papers where the first author is ranked at all


@dataclass(frozen=True, slots=True)
class HeldOutReport:
    seed: int
    papers: int
    pool: int
    methods: list[MethodResult]


def draw(store: ResearchStore, n: int, seed: int) -> list[tuple[str, str]]:
    """(paper id, first author's person id) of `n` papers drawn with `seed` from those the protocol allows."""
    pool = arrays.held_out_candidates(store)
    if not 1 <= n <= len(pool):
        raise InvalidError(f"held_out: between 1 and {len(pool)} papers can be hidden, not {n}", field="held_out")
    return random.Random(seed).sample(pool, n)


def query_text(title: str, keywords: Sequence[str]) -> str:
    return " ".join([title, *keywords])


def evaluate(store: ResearchStore, n: int, seed: int, *, weights: search.RankWeights | None = None,
             folder: Path | None = None, progress: Callable[[int, int], None] | None = None) -> HeldOutReport:
    sample = draw(store, n, seed)
    pool = len(arrays.held_out_candidates(store))
    hidden = [p for p, _ in sample]
    hidden += arrays.same_work(store, hidden)
    with tempfile.TemporaryDirectory(prefix="labscout-heldout-") as tmp:
        ti = index.open_held_out(store, hidden, Path(folder or tmp) / "index")
        return _measure(store, ti, sample, seed, pool, weights or search.RankWeights(), progress)


def _measure(store: ResearchStore, ti: index.TalentIndex, sample: list[tuple[str, str]], seed: int, pool: int,
             weights: search.RankWeights, progress: Callable[[int, int], None] | None) -> HeldOutReport:
    texts = arrays.paper_keywords(store, [p for p, _ in sample])
    names = _NameBaseline(store, ti)
    with_ids = arrays.people_with_openreview_ids(store)
    reviewers = np.array([pid in with_ids for pid in ti.people.person_ids.to_pylist()], dtype=np.bool_) & (
        ti.people.accepted_papers >= 3)
    ranks: dict[str, list[int | None]] = defaultdict(list)
    for done, (paper_id, person_id) in enumerate(sample, 1):
        title, keywords, first_name = texts[paper_id]
        text = query_text(title, keywords)
        try:
            ranked = search.ranked_people(ti, text, weights=weights)
        except InvalidError:
            ranked = []
        target = ti.people.index_of(person_id)
        ranks["LabScout"].append(_rank(ranked, target))
        ranks[POOLED].append(_rank([p for p in ranked if reviewers[p]], target))
        for label, fields in names.variants.items():
            ranks[label].append(_rank(names.rank(text, fields), first_name))
        if progress:
            progress(done, len(sample))
    methods = []
    for label, found in ranks.items():
        placed = [r for r in found if r is not None]
        methods.append(MethodResult(label, {k: sum(r <= k for r in placed) / len(found) for k in CUTS},
                                    float(np.median(placed)) if placed else None))
    return HeldOutReport(seed, len(sample), pool, methods)


def _rank(ranked: Sequence[object], target: object) -> int | None:
    try:
        return ranked.index(target) + 1
    except ValueError:
        return None


class _NameBaseline:
    """Plain BM25 (tantivy's own query parser, no weighting, no phrases) summed per printed author name."""

    variants: ClassVar[dict[str, list[str]]] = {"BM25 per name, title+keywords": ["title", "keywords", "area"],
                "BM25 per name, all fields": ["title", "abstract", "keywords", "area", "track"]}

    def __init__(self, store: ResearchStore, ti: index.TalentIndex) -> None:
        self.ti = ti
        paper, self.names = arrays.raw_author_names(store, ti.papers.paper_ids)
        positions = np.asarray(paper.to_numpy(zero_copy_only=False), dtype=np.int64)
        counts = np.bincount(positions, minlength=len(ti.papers))
        self.start = np.r_[0, np.cumsum(counts)]

    def rank(self, text: str, fields: list[str]) -> list[str]:
        words = " ".join(w for w in "".join(c if c.isalnum() else " " for c in text.lower()).split()
                         if w not in ("and", "or", "not"))
        if not words:
            return []
        hits = self.ti.searcher.search(self.ti.index.parse_query(words, fields), 2000, count=False).hits
        if not hits:
            return []
        idx = [int(cast(int, i)) for i in self.ti.searcher.fast_field_values("idx", [a for _, a in hits])]
        totals: dict[str, float] = defaultdict(float)
        for (score, _), i in zip(hits, idx, strict=True):
            for name in self.names[int(self.start[i]):int(self.start[i + 1])]:
                totals[name] += float(score or 0.0)
        return sorted(totals, key=lambda name: -totals[name])
