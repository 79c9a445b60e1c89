"""Is the ranking any good? Rank with the record up to year Y; judge by who did the strongest work after it.

For each of a fixed list of topics, people are ranked using only papers up to Y (no leakage: nothing after
Y is seen). The truth is who then published the strongest accepted work on the topic in Y+1..Y+2: each
such paper gives its authors 1 (poster), 2 (spotlight) or 3 (oral). LabScout's ranking is compared, by
NDCG@k and recall@k against that truth, with two baselines: the raw count of on-topic papers, and
CSRankings-style counting (accepted papers at top venues, each author credited 1/n).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

import tantivy

from labscout.talent import search
from labscout.talent.index import TalentIndex

TOPICS = (
    "diffusion models", "graph neural networks", "reinforcement learning from human feedback",
    "offline reinforcement learning", "federated learning", "adversarial robustness", "neural radiance fields",
    "contrastive self-supervised learning", "vision transformers", "neural machine translation",
    "causal inference", "differential privacy", "meta-learning few-shot learning", "knowledge distillation",
    "object detection", "speech recognition", "question answering", "continual learning",
    "out-of-distribution detection", "model quantization and pruning", "semantic segmentation",
    "bayesian optimization", "optimal transport", "interpretability and explainability",
    "large language model reasoning", "multi-agent reinforcement learning",
)


@dataclass(frozen=True, slots=True)
class MethodScores:
    method: str
    ndcg: float
    recall: float


@dataclass(frozen=True, slots=True)
class TopicResult:
    topic: str
    judged_people: int
    scores: list[MethodScores]


@dataclass(frozen=True, slots=True)
class RankingReport:
    cutoff: int
    window: tuple[int, int]
    k: int
    topics: list[TopicResult]
    mean: list[MethodScores]


def ndcg(ranked: Sequence[int], gains: dict[int, float], k: int) -> float:
    """Normalised discounted cumulative gain of the first `k` of `ranked` against graded `gains`."""
    dcg = sum(gains.get(p, 0.0) / math.log2(n + 2) for n, p in enumerate(ranked[:k]))
    ideal = sorted(gains.values(), reverse=True)[:k]
    best = sum(g / math.log2(n + 2) for n, g in enumerate(ideal))
    return dcg / best if best else 0.0


def recall(ranked: Sequence[int], gains: dict[int, float], k: int) -> float:
    """Share of the `k` people with the highest gains that appear in the first `k` ranked."""
    truth = {p for p, _ in sorted(gains.items(), key=lambda kv: (-kv[1], kv[0]))[:k]}
    return len(truth & set(ranked[:k])) / len(truth) if truth else 0.0


_JUDGE_TOKEN = re.compile(r"[\w-]+", re.UNICODE)
_JUDGE_STOP = frozenset(
    "a an and are as at be by for from has have how in into is it its of on or over that the their this to "
    "towards under using via what when where which who why with without".split())


def _matches(ti: TalentIndex, topic: str, since: int, until: int) -> dict[int, float]:
    """Papers on the topic in a span of years, with BM25 relative to the best match.

    This is the judge, and it stays as it was when the evaluation was made (BM25 over titles, keywords and
    primary areas of the fixed topics): a better search must not move the truth it is measured against.
    """
    terms = [t for t in (m.lower() for m in _JUDGE_TOKEN.findall(topic)) if t not in _JUDGE_STOP and len(t) > 1]
    text = ti.index.parse_query(" ".join(terms), ["title", "keywords", "area"],
                                field_boosts={"title": 1.0, "keywords": 1.2, "area": 0.4})
    years = tantivy.Query.range_query(ti.index.schema, "year", tantivy.FieldType.Integer, since, until)
    query = tantivy.Query.boolean_query([(tantivy.Occur.Must, text), (tantivy.Occur.Must, years)])
    hits = ti.searcher.search(query, 1500).hits
    values = ti.searcher.fast_field_values("idx", [address for _, address in hits]) if hits else []
    top = max((float(score) for score, _ in hits), default=0.0) or 1.0
    return {int(cast(int, i)): float(score) / top for (score, _), i in zip(hits, values, strict=True)}


def truth(ti: TalentIndex, topic: str, window: tuple[int, int], min_match: float = 0.35) -> dict[int, float]:
    """Person index -> strength of their accepted on-topic work in the window."""
    gains: dict[int, float] = defaultdict(float)
    for i, match in _matches(ti, topic, *window).items():
        if match < min_match or not ti.papers.accepted[i]:
            continue
        for person, _order in ti.papers.authors(i):
            gains[person] += float(ti.papers.gain[i])
    return dict(gains)


def baseline_paper_count(ti: TalentIndex, topic: str, until: int, min_match: float = 0.35) -> list[int]:
    counts: dict[int, float] = defaultdict(float)
    for i, match in _matches(ti, topic, 0, until).items():
        if match >= min_match:
            for person, _order in ti.papers.authors(i):
                counts[person] += 1
    return [p for p, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def baseline_csrankings(ti: TalentIndex, topic: str, until: int, min_match: float = 0.35) -> list[int]:
    credit: dict[int, float] = defaultdict(float)
    for i, match in _matches(ti, topic, 0, until).items():
        if match >= min_match and ti.papers.accepted[i] and ti.papers.top_venue[i]:
            authors = ti.papers.authors(i)
            for person, _order in authors:
                credit[person] += 1 / max(len(authors), 1)
    return [p for p, _ in sorted(credit.items(), key=lambda kv: (-kv[1], kv[0]))]


DEFAULT_WEIGHTS = search.RankWeights()


def labscout_ranking(ti: TalentIndex, topic: str, until: int,
                     weights: search.RankWeights = DEFAULT_WEIGHTS) -> list[int]:
    return search.ranked_people(ti, topic, until=until, weights=weights)


def evaluate_ranking(ti: TalentIndex, *, cutoff: int = 2021, k: int = 50, topics: Sequence[str] = TOPICS,
                     weights: search.RankWeights = DEFAULT_WEIGHTS) -> RankingReport:
    """NDCG@k and recall@k of LabScout and both baselines per topic, and their means."""
    window = (cutoff + 1, cutoff + 2)
    results = []
    for topic in topics:
        gains = truth(ti, topic, window)
        methods = {
            "LabScout": labscout_ranking(ti, topic, cutoff, weights),
            "paper count": baseline_paper_count(ti, topic, cutoff),
            "CSRankings-style": baseline_csrankings(ti, topic, cutoff),
        }
        results.append(TopicResult(topic, len(gains), [
            MethodScores(name, ndcg(ranked, gains, k), recall(ranked, gains, k)) for name, ranked in methods.items()]))
    names = [m.method for m in results[0].scores] if results else []
    mean = [MethodScores(name, sum(r.scores[n].ndcg for r in results) / len(results),
                         sum(r.scores[n].recall for r in results) / len(results)) for n, name in enumerate(names)]
    return RankingReport(cutoff, window, k, results, mean)
