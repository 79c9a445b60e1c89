"""Person resolution: which author mentions belong to one person.

Hard rules come first, in precedence order (after S2AND's `get_constraint`): a shared author id joins
mentions wherever they are; two mentions on one paper, two different OpenReview or ACL ids, or two
incompatible spellings of a name are never joined. Within a block (first initial + surname) the remaining
groups are joined only on evidence (shared co-authors, organisation, e-mail domain, topic), with a bar
that rises with how many people are expected to carry the name. A rare name whose groups never conflict is
taken to be one person.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from labscout.identity import features
from labscout.identity.features import ClusterFeatures, Weights
from labscout.identity.names import compatible, normalise_name, split_name


@dataclass(slots=True)
class Mention:
    """One author slot on one paper, with the evidence person resolution may use."""

    name: str
    paper: str
    year: int
    identifier: str | None = None
    org: str | None = None
    domain: str | None = None
    coauthors: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    # Organisations listed for the paper but not paired with an author: weaker evidence than `org`.
    paper_orgs: tuple[str, ...] = ()


@dataclass(slots=True)
class Resolution:
    """A cluster label per mention and, per mention, the evidence that joined it to its cluster."""

    labels: list[int]
    reasons: list[str]


@dataclass(slots=True)
class _Group:
    """What the hard rules need to know about one growing cluster."""

    papers: set[str] = field(default_factory=set)
    strong_ids: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)
    members: list[int] = field(default_factory=list)


class _Clusters:
    """Union-find over mentions that refuses joins the hard rules forbid."""

    def __init__(self, mentions: Sequence[Mention]) -> None:
        self.parent = list(range(len(mentions)))
        self.groups: dict[int, _Group] = {}
        for i, m in enumerate(mentions):
            strong = {m.identifier} if m.identifier and not m.identifier.startswith("email:") else set()
            self.groups[i] = _Group({m.paper}, strong, {normalise_name(m.name)}, [i])

    def find(self, i: int) -> int:
        root = i
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[i] != root:
            self.parent[i], i = root, self.parent[i]
        return root

    def conflict(self, a: int, b: int) -> bool:
        ga, gb = self.groups[a], self.groups[b]
        if not ga.papers.isdisjoint(gb.papers):
            return True
        if ga.strong_ids and gb.strong_ids and ga.strong_ids.isdisjoint(gb.strong_ids):
            return True
        return not all(compatible(x, y) for x in ga.names for y in gb.names)

    def union(self, a: int, b: int, *, force: bool = False) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb or (not force and self.conflict(ra, rb)):
            return False
        ga, gb = self.groups[ra], self.groups[rb]
        if len(ga.members) < len(gb.members):
            ra, rb, ga, gb = rb, ra, gb, ga
        self.parent[rb] = ra
        ga.papers |= gb.papers
        ga.strong_ids |= gb.strong_ids
        ga.names |= gb.names
        ga.members.extend(gb.members)
        del self.groups[rb]
        return True


def resolve_people(mentions: Sequence[Mention], weights: Weights | None = None) -> Resolution:
    """Cluster mentions into people; returns a dense label per mention and why it joined."""
    weights = weights or Weights()
    clusters = _Clusters(mentions)
    reasons = ["alone"] * len(mentions)
    _join_by_identifier(mentions, clusters, reasons)
    stats = features.NameStats.from_names(m.name for m in mentions)
    idf = features.topic_idf(mentions)
    blocks: dict[str, list[int]] = defaultdict(list)
    for i, m in enumerate(mentions):
        blocks[split_name(m.name).block].append(i)
    for block in blocks.values():
        if len(block) > 1:
            _resolve_block(mentions, block, clusters, reasons, stats, idf, weights)
    labels: dict[int, int] = {}
    dense = [labels.setdefault(clusters.find(i), len(labels)) for i in range(len(mentions))]
    return Resolution(labels=dense, reasons=reasons)


def _join_by_identifier(mentions: Sequence[Mention], clusters: _Clusters, reasons: list[str]) -> None:
    first: dict[str, int] = {}
    for i, m in enumerate(mentions):
        if not m.identifier:
            continue
        j = first.setdefault(m.identifier, i)
        # An id is the person's own claim: it overrides the name rules (a renamed author keeps the id).
        if j != i and clusters.union(j, i, force=True):
            reasons[i] = reasons[j] = "id"


def _roots(block: Iterable[int], clusters: _Clusters) -> list[int]:
    return list(dict.fromkeys(clusters.find(i) for i in block))


def _resolve_block(mentions: Sequence[Mention], block: list[int], clusters: _Clusters, reasons: list[str],
                   stats: features.NameStats, idf: dict[str, float], weights: Weights) -> None:
    for _ in range(weights.rounds):
        roots = _roots(block, clusters)
        if len(roots) < 2:
            break
        feats = {r: ClusterFeatures.of(clusters.groups[r].members, mentions, idf) for r in roots}
        people = {r: stats.expected_people(clusters.groups[r].names) for r in roots}
        scored = []
        for a, b in features.candidate_pairs(feats):
            score, why = features.score_pair(feats[a], feats[b], weights)
            bar = weights.threshold + weights.ambiguity * math.log1p(max(people[a], people[b]) / weights.name_scale)
            if score >= bar:
                scored.append((score - bar, a, b, why))
        scored.sort(key=lambda item: -item[0])
        merged = False
        for _margin, a, b, why in scored:
            if clusters.union(a, b):
                merged = True
                _mark(clusters, a, reasons, why)
        if not merged:
            break
    _join_rare_name(block, clusters, reasons, stats, weights)


def _mark(clusters: _Clusters, member: int, reasons: list[str], why: str) -> None:
    for i in clusters.groups[clusters.find(member)].members:
        if reasons[i] == "alone":
            reasons[i] = why


def _join_rare_name(block: list[int], clusters: _Clusters, reasons: list[str], stats: features.NameStats,
                    weights: Weights) -> None:
    # Few people are expected to carry a rare name, so its groups that nothing separates are one person.
    # Full spellings go first; a group known only by initials joins only when exactly one group fits it.
    roots = _roots(block, clusters)
    roots.sort(key=lambda r: (_initials_only(clusters.groups[r].names), -len(clusters.groups[r].members)))
    kept: list[int] = []
    for root in roots:
        group = clusters.groups[root]
        if stats.expected_people(group.names) > weights.rare_name_people:
            continue
        fitting = [k for k in (clusters.find(k) for k in kept) if not clusters.conflict(k, root)]
        if fitting and (len(fitting) == 1 or not _initials_only(group.names)):
            clusters.union(fitting[0], root)
            _mark(clusters, root, reasons, "rare-name")
        else:
            kept.append(root)


def _initials_only(names: set[str]) -> bool:
    return all(len(split_name(n).first) <= 1 for n in names)


def cluster_sizes(labels: Sequence[int]) -> Counter[int]:
    return Counter(labels)
