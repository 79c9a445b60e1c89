"""Evidence between two groups of mentions of one name, each feature with a declared direction.

Every feature raises the belief that two groups are one person (none is negative: what separates people
is expressed by the hard rules in `cluster`). The bar a score must clear rises with the number of people
expected to share the name, estimated from how common its given name and surname are in the corpus.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from labscout.identity.names import normalise_name, split_name

if TYPE_CHECKING:
    from labscout.identity.cluster import Mention

# Bump when features or weights change: identity results are not comparable across versions.
FEATURES_VERSION = 1

_WORD = re.compile(r"[a-z][a-z0-9]{2,}")
_STOP = frozenset(
    "the and for with from via using use based towards toward into over under its their our your this that "
    "are can not without when what how why which new all one two more less than through learning learn "
    "model models approach method methods data deep neural network networks paper study analysis".split()
)
# A posting list longer than this is a property of the block (everyone at a big lab), not evidence
# linking two particular groups; pairs are still found through their other features.
_MAX_POSTING = 400


@dataclass(frozen=True, slots=True)
class Weights:
    """The knobs of person resolution, in one place."""

    coauthor: float = 2.0
    coauthor_cap: int = 3
    organisation: float = 1.2
    paper_organisation: float = 0.6
    domain: float = 1.0
    topic: float = 2.0
    threshold: float = 1.5
    ambiguity: float = 0.8
    rounds: int = 3
    # The independence estimate of people per name undercounts shared names several-fold (measured: names
    # held by one OpenReview id score 0.002 at the median, by two 0.07, by five 0.9): thresholds are in its
    # units, not in people.
    name_scale: float = 0.01
    rare_name_people: float = 0.02


def topic_tokens(title: str, keywords: Iterable[str] = ()) -> tuple[str, ...]:
    """Content words of a title plus whole keywords: what a paper is about, for comparing authors."""
    words = [w for w in _WORD.findall(title.casefold()) if w not in _STOP]
    words.extend(f"kw:{k.strip().casefold()}" for k in keywords if k.strip())
    return tuple(dict.fromkeys(words))


def topic_idf(mentions: Sequence[Mention]) -> dict[str, float]:
    """Inverse paper frequency of each topic token, so that 'transformer' weighs less than 'bisimulation'."""
    seen: set[str] = set()
    df: Counter[str] = Counter()
    for m in mentions:
        if m.paper not in seen:
            seen.add(m.paper)
            df.update(m.topics)
    total = max(len(seen), 1)
    return {token: math.log(total / count) for token, count in df.items()}


class NameStats:
    """How common given names and surnames are, over the distinct names of the corpus."""

    def __init__(self, first: Counter[str], last: Counter[str], total: int) -> None:
        self.first, self.last, self.total = first, last, max(total, 1)

    @classmethod
    def from_names(cls, names: Iterable[str]) -> NameStats:
        first: Counter[str] = Counter()
        last: Counter[str] = Counter()
        distinct = {normalise_name(n) for n in names}
        for name in distinct:
            parts = split_name(name)
            if parts.first and len(parts.first) > 1:
                first[parts.first] += 1
            last[parts.last] += 1
        return cls(first, last, len(distinct))

    def expected_people(self, names: Iterable[str]) -> float:
        """People expected to carry the rarest full spelling among `names`, if names combined at random.

        The rarest, because one distinctive spelling ('Yu-Xiang Wang') is evidence even when the group also
        holds a common variant ('Y. Wang').
        """
        best = math.inf
        for name in names:
            parts = split_name(name)
            if len(parts.first) <= 1:
                continue
            best = min(best, self.first.get(parts.first, 1) * self.last.get(parts.last, 1) / self.total)
        if best == math.inf:
            # Only initials: every person with that initial and surname could be meant.
            name = next(iter(names))
            last = split_name(name).last
            best = self.last.get(last, 1) * 0.05
        return best


@dataclass(slots=True)
class ClusterFeatures:
    coauthors: Counter[str]
    orgs: set[str]
    loose_orgs: set[str]
    domains: set[str]
    topics: dict[str, float]
    norm: float

    @classmethod
    def of(cls, members: Sequence[int], mentions: Sequence[Mention], idf: dict[str, float]) -> ClusterFeatures:
        coauthors: Counter[str] = Counter()
        orgs: set[str] = set()
        loose: set[str] = set()
        domains: set[str] = set()
        topics: Counter[str] = Counter()
        for i in members:
            m = mentions[i]
            coauthors.update(m.coauthors)
            if m.org:
                orgs.add(m.org)
            loose.update(m.paper_orgs)
            if m.domain:
                # A slot can hold several domains joined by '+' (two affiliations at once).
                domains.update(m.domain.split("+"))
            topics.update(m.topics)
        weighted = {t: c * idf.get(t, 0.0) for t, c in topics.items()}
        norm = math.sqrt(sum(v * v for v in weighted.values())) or 1.0
        return cls(coauthors, orgs, loose | orgs, domains, weighted, norm)


def candidate_pairs(feats: dict[int, ClusterFeatures], all_pairs_below: int = 120) -> Iterator[tuple[int, int]]:
    """Pairs of groups worth scoring: every pair in a small block, else those sharing a co-author or place."""
    roots = sorted(feats)
    if len(roots) <= all_pairs_below:
        for i, a in enumerate(roots):
            for b in roots[i + 1:]:
                yield a, b
        return
    postings: dict[str, list[int]] = {}
    for root, f in feats.items():
        for key in f.coauthors:
            postings.setdefault("c:" + key, []).append(root)
        for key in f.loose_orgs:
            postings.setdefault("o:" + key, []).append(root)
        for key in f.domains:
            postings.setdefault("d:" + key, []).append(root)
    seen: set[tuple[int, int]] = set()
    for roots in postings.values():
        if len(roots) < 2 or len(roots) > _MAX_POSTING:
            continue
        for i, a in enumerate(roots):
            for b in roots[i + 1:]:
                pair = (a, b) if a < b else (b, a)
                if pair not in seen:
                    seen.add(pair)
                    yield pair


def score_pair(a: ClusterFeatures, b: ClusterFeatures, w: Weights) -> tuple[float, str]:
    """Evidence that two groups are one person, and the strongest kind of evidence behind it."""
    shared = sum(1 for key in a.coauthors if key in b.coauthors)
    if not a.orgs.isdisjoint(b.orgs):
        place = w.organisation
    elif not a.loose_orgs.isdisjoint(b.loose_orgs):
        place = w.paper_organisation
    else:
        place = 0.0
    parts = {
        "coauthor": w.coauthor * min(shared, w.coauthor_cap),
        "organisation": place,
        "domain": w.domain if not a.domains.isdisjoint(b.domains) else 0.0,
        "topic": w.topic * _cosine(a, b),
    }
    strongest = max(parts, key=lambda k: parts[k])
    return sum(parts.values()), strongest


def _cosine(a: ClusterFeatures, b: ClusterFeatures) -> float:
    small, large = (a.topics, b.topics) if len(a.topics) <= len(b.topics) else (b.topics, a.topics)
    dot = sum(v * large.get(t, 0.0) for t, v in small.items())
    return dot / (a.norm * b.norm)
