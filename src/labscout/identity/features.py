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
from dataclasses import dataclass, field
from functools import cached_property
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
_MAX_POSTING = 60
# People expected per name at or below which a shared co-author counts as a rare one.
_RARE_COAUTHOR = 0.02
# log people-per-name from which a name counts as common (about one name in ten among the ambiguous).
_COMMON_NAME = math.log(0.05)


# The named features of a pair of mention groups, in the order of `pair_vector`.
FEATURES = (
    "log_people",          # log of the people expected to carry the name (more people: more evidence needed)
    "coauthor",            # shared co-authors, capped
    "organisation",        # an organisation printed in both groups' own author slots
    "paper_organisation",  # otherwise, an organisation among both groups' papers' institution lists
    "domain",              # the same institutional e-mail domain
    "topic",               # idf-weighted cosine of title words and keywords
    "other_organisation",  # both groups name organisations, none shared
    "rare_coauthor",       # shared co-authors whose own names are rare (a shared "Wei Wang" proves little)
    "year_conflict",       # in some year both groups name organisations and none is shared
    # The same evidence again, counted only for common names (where it must do more work): a
    # piecewise model, since the name-commonness estimate is compressed for the commonest names.
    "common_x_coauthor",
    "common_x_organisation",
    "common_x_paper_organisation",
    "common_x_domain",
    "common_x_topic",
)

# Fitted by bench/fit_identity.py (logistic regression on candidate group pairs met while clustering,
# names hashing to one half; the other half held out). Regenerate there when features change.
FITTED: dict[str, float] = {
    "bias": -1.712, "log_people": -0.578, "coauthor": 0.476, "organisation": 1.646, "paper_organisation": 2.182,
    "domain": 1.359, "topic": 1.895, "other_organisation": 0.432, "rare_coauthor": 0.043, "year_conflict": -1.864,
    "common_x_coauthor": 1.003, "common_x_organisation": 1.167, "common_x_paper_organisation": 0.712,
    "common_x_domain": 0.752, "common_x_topic": 4.337,
}


@dataclass(frozen=True)
class Weights:
    """The knobs of person resolution, in one place: fitted coefficients plus the clustering settings."""

    coefficients: dict[str, float] = field(default_factory=lambda: dict(FITTED))
    coauthor_cap: int = 3
    # Merge when the log-odds clear this margin; above 0 trades recall for precision.
    margin: float = 1.0
    rounds: int = 3
    # Within one spelling, each group is compared with this many of the largest groups (not all pairs).
    hubs_per_name: int = 8

    @cached_property
    def vector(self) -> list[float]:
        """The coefficients in the order of FEATURES."""
        return [self.coefficients[name] for name in FEATURES]


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
        self._cache: dict[tuple[str, ...], float] = {}

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
        """People expected to carry the rarest full spelling among `names` (cached)."""
        key = tuple(sorted(names))
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self._expected(key)
        return found

    def _expected(self, names: Iterable[str]) -> float:
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
    org_years: dict[int, set[str]]
    loose_orgs: set[str]
    domains: set[str]
    topics: dict[str, float]
    norm: float

    @classmethod
    def of(cls, members: Sequence[int], mentions: Sequence[Mention], idf: dict[str, float]) -> ClusterFeatures:
        coauthors: Counter[str] = Counter()
        orgs: set[str] = set()
        org_years: dict[int, set[str]] = {}
        loose: set[str] = set()
        domains: set[str] = set()
        topics: Counter[str] = Counter()
        for i in members:
            m = mentions[i]
            coauthors.update(m.coauthors)
            if m.org:
                orgs.add(m.org)
                org_years.setdefault(m.year, set()).add(m.org)
            loose.update(m.paper_orgs)
            if m.domain:
                # A slot can hold several domains joined by '+' (two affiliations at once).
                domains.update(m.domain.split("+"))
            topics.update(m.topics)
        weighted = {t: c * idf.get(t, 0.0) for t, c in topics.items()}
        norm = math.sqrt(sum(v * v for v in weighted.values())) or 1.0
        return cls(coauthors, orgs, org_years, loose | orgs, domains, weighted, norm)


def candidate_pairs(feats: dict[int, ClusterFeatures]) -> Iterator[tuple[int, int]]:
    """Pairs of groups that share a co-author, an organisation or a domain."""
    postings: dict[str, list[int]] = {}
    for root, f in feats.items():
        for key in f.coauthors:
            postings.setdefault("c:" + key, []).append(root)
        for key in f.loose_orgs:
            postings.setdefault("o:" + key, []).append(root)
        for key in f.domains:
            postings.setdefault("d:" + key, []).append(root)
    for roots in postings.values():
        if len(roots) < 2 or len(roots) > _MAX_POSTING:
            continue
        for i, a in enumerate(roots):
            for b in roots[i + 1:]:
                yield (a, b) if a < b else (b, a)


def pair_vector(a: ClusterFeatures, b: ClusterFeatures, log_people: float, coauthor_cap: int,
                stats: NameStats, topic: float | None = None) -> list[float]:
    """The values of FEATURES for two groups of mentions (`topic` given: the cosine is not computed)."""
    common = [key for key in a.coauthors if key in b.coauthors]
    shared = min(len(common), coauthor_cap)
    rare = min(sum(1 for key in common if stats.expected_people((key,)) <= _RARE_COAUTHOR), coauthor_cap)
    year_conflict = any(a.org_years[y].isdisjoint(b.org_years[y]) for y in a.org_years.keys() & b.org_years.keys())
    same_org = not a.orgs.isdisjoint(b.orgs)
    paper_org = 1.0 if not same_org and not a.loose_orgs.isdisjoint(b.loose_orgs) else 0.0
    cosine = _cosine(a, b) if topic is None else topic
    x = [
        log_people, float(shared), 1.0 if same_org else 0.0, paper_org,
        1.0 if not a.domains.isdisjoint(b.domains) else 0.0, cosine,
        1.0 if a.orgs and b.orgs and not same_org else 0.0, float(rare), 1.0 if year_conflict else 0.0,
    ]
    is_common = 1.0 if log_people >= _COMMON_NAME else 0.0
    return [*x, is_common * x[1], is_common * x[2], is_common * x[3], is_common * x[4], is_common * x[5]]


_EVIDENCE = {"coauthor": 1, "organisation": 2, "paper-organisation": 3, "domain": 4, "topic": 5}
_TOPIC, _COMMON_TOPIC = FEATURES.index("topic"), FEATURES.index("common_x_topic")


def score_pair(a: ClusterFeatures, b: ClusterFeatures, log_people: float, w: Weights,
               stats: NameStats) -> tuple[float, str]:
    """Log-odds that two groups are one person, and the strongest kind of evidence behind it.

    The topic cosine is the costly feature and bounded (0..1): it is computed only when it could move the
    score across the merge margin.
    """
    coef = w.vector
    x = pair_vector(a, b, log_people, w.coauthor_cap, stats, topic=0.0)
    score = w.coefficients["bias"] + sum(k * v for k, v in zip(coef, x, strict=True))
    topic_weight = coef[_TOPIC] + (coef[_COMMON_TOPIC] if log_people >= _COMMON_NAME else 0.0)
    if score < w.margin <= score + topic_weight:
        cosine = _cosine(a, b)
        x[_TOPIC] = cosine
        x[_COMMON_TOPIC] = cosine if log_people >= _COMMON_NAME else 0.0
        score += topic_weight * cosine
    contributions = {kind: coef[i] * x[i] for kind, i in _EVIDENCE.items()}
    strongest = max(contributions, key=lambda k: contributions[k])
    return score, strongest if contributions[strongest] > 0 else "rare-name"


def _cosine(a: ClusterFeatures, b: ClusterFeatures) -> float:
    small, large = (a.topics, b.topics) if len(a.topics) <= len(b.topics) else (b.topics, a.topics)
    dot = sum(v * large.get(t, 0.0) for t, v in small.items())
    return dot / (a.norm * b.norm)
