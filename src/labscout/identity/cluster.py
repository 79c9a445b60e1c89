"""Person resolution: which author mentions belong to one person.

Hard rules come first, in precedence order (after S2AND's `get_constraint`): a person's correction joins or
separates the mentions it names, whatever else says; a shared author id joins mentions wherever they are;
two mentions on one paper, two different OpenReview or ACL ids, or two incompatible spellings of a name are
never joined. Within a block (first initial + surname) groups of mentions are then joined, best first, when
the logistic score of `features.score_pair` clears the margin; a rare name needs little or no shared
evidence, a common one much.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from labscout.identity import features
from labscout.identity.constraints import PersonConstraints
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
    # Sides of the splits a person made (2k and 2k+1 are the two sides of split k): never joined.
    sides: set[int] = field(default_factory=set)


class _Clusters:
    """Union-find over mentions that refuses joins the hard rules forbid."""

    def __init__(self, mentions: Sequence[Mention], sides: dict[int, set[int]] | None = None) -> None:
        self.mentions = mentions
        self.sides = sides or {}
        self.parent = list(range(len(mentions)))
        # Created on first use: most mentions never meet another, and half a million sets cost seconds.
        self.groups: dict[int, _Group] = {}

    def group(self, root: int) -> _Group:
        found = self.groups.get(root)
        if found is None:
            m = self.mentions[root]
            strong = {m.identifier} if m.identifier and not m.identifier.startswith("email:") else set()
            found = self.groups[root] = _Group({m.paper}, strong, {normalise_name(m.name)}, [root],
                                               set(self.sides.get(root, ())))
        return found

    def members(self, root: int) -> list[int]:
        found = self.groups.get(root)
        return found.members if found is not None else [root]

    def names(self, root: int) -> set[str]:
        found = self.groups.get(root)
        return found.names if found is not None else {normalise_name(self.mentions[root].name)}

    def find(self, i: int) -> int:
        root = i
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[i] != root:
            self.parent[i], i = root, self.parent[i]
        return root

    def conflict(self, a: int, b: int) -> bool:
        ga, gb = self.group(a), self.group(b)
        if not ga.papers.isdisjoint(gb.papers):
            return True
        if ga.strong_ids and gb.strong_ids and ga.strong_ids.isdisjoint(gb.strong_ids):
            return True
        return not all(compatible(x, y) for x in ga.names for y in gb.names)

    def kept_apart(self, ga: _Group, gb: _Group) -> bool:
        return bool(ga.sides) and bool(gb.sides) and any(side ^ 1 in gb.sides for side in ga.sides)

    def union(self, a: int, b: int, *, force: bool = False) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        ga, gb = self.group(ra), self.group(rb)
        # A person's split outranks every automatic rule, even a shared id.
        if self.kept_apart(ga, gb) or (not force and self.conflict(ra, rb)):
            return False
        if len(ga.members) < len(gb.members):
            ra, rb, ga, gb = rb, ra, gb, ga
        self.parent[rb] = ra
        ga.papers |= gb.papers
        ga.strong_ids |= gb.strong_ids
        ga.names |= gb.names
        ga.members.extend(gb.members)
        ga.sides |= gb.sides
        del self.groups[rb]
        return True


PairObserver = Callable[[list[float], list[int], list[int]], None]


def resolve_people(mentions: Sequence[Mention], weights: Weights | None = None,
                   name_stats: features.NameStats | None = None,
                   observe: PairObserver | None = None,
                   constraints: PersonConstraints | None = None) -> Resolution:
    """Cluster mentions into people; returns a dense label per mention and why it joined.

    `constraints` are people's corrections over mention indices, applied before any automatic rule.
    `name_stats` says how common names are; by default it is counted from `mentions` themselves.
    `observe` sees every scored pair (feature vector, members of each group): how the weights are fitted.
    """
    weights = weights or Weights()
    constraints = constraints or PersonConstraints()
    clusters = _Clusters(mentions, _sides(constraints))
    reasons = ["alone"] * len(mentions)
    _join_by_correction(constraints, clusters, reasons)
    _join_by_identifier(mentions, clusters, reasons)
    stats = name_stats or features.NameStats.from_names(m.name for m in mentions)
    idf = features.topic_idf(mentions)
    blocks: dict[str, list[int]] = defaultdict(list)
    for i, m in enumerate(mentions):
        blocks[split_name(m.name).block].append(i)
    for block in blocks.values():
        if len(block) > 1:
            _resolve_block(mentions, block, clusters, reasons, stats, idf, weights, observe)
    labels: dict[int, int] = {}
    dense = [labels.setdefault(clusters.find(i), len(labels)) for i in range(len(mentions))]
    return Resolution(labels=dense, reasons=reasons)


def _sides(constraints: PersonConstraints) -> dict[int, set[int]]:
    sides: dict[int, set[int]] = defaultdict(set)
    for k, (_cid, together, apart) in enumerate(constraints.cannot_link):
        for i in together:
            sides[i].add(2 * k)
        for i in apart:
            sides[i].add(2 * k + 1)
    return sides


def _join_by_correction(constraints: PersonConstraints, clusters: _Clusters, reasons: list[str]) -> None:
    for _cid, members in constraints.must_link:
        first = min(members)
        for i in members:
            clusters.union(first, i, force=True)
        root = clusters.find(first)
        for i in members:
            if clusters.find(i) == root:
                reasons[i] = "correction"


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
                   stats: features.NameStats, idf: dict[str, float], weights: Weights,
                   observe: PairObserver | None) -> None:
    feats: dict[int, ClusterFeatures] = {}
    people: dict[int, float] = {}
    changed: set[int] | None = None  # None: every group is new to this block
    for _ in range(weights.rounds):
        roots = _roots(block, clusters)
        if len(roots) < 2:
            return
        for root in roots:
            if changed is None:
                feats[root] = ClusterFeatures.of(clusters.members(root), mentions, idf)
            if changed is None or root in changed:
                people[root] = math.log(max(stats.expected_people(clusters.names(root)), 1e-6))
        live = {r: feats[r] for r in roots}
        scored = []
        for a, b in _candidates(roots, live, clusters, weights, changed):
            # A pair of groups that did not change since the last round was already judged.
            if changed is not None and a not in changed and b not in changed:
                continue
            log_people = max(people[a], people[b])
            score, why = features.score_pair(feats[a], feats[b], log_people, weights, stats)
            if observe is not None:
                observe(features.pair_vector(feats[a], feats[b], log_people, weights.coauthor_cap, stats),
                        clusters.members(a), clusters.members(b))
            if score >= weights.margin:
                scored.append((score, a, b, why))
        scored.sort(key=lambda item: -item[0])
        changed = set()
        for _score, a, b, why in scored:
            ra, rb = clusters.find(a), clusters.find(b)
            # Only a lone mention can still lack a reason (a group already carries the one that formed it):
            # marking just those keeps a prolific author's hundred merges from rescanning their group.
            lone = [r for r in (ra, rb) if len(clusters.members(r)) == 1]
            if clusters.union(ra, rb):
                root = clusters.find(ra)
                gone = rb if root == ra else ra
                # The surviving group's evidence absorbs the other's: no recount over all members.
                feats[root] = feats[root].absorb(feats.pop(gone))
                changed.discard(gone)
                changed.add(root)
                for i in lone:
                    if reasons[i] == "alone":
                        reasons[i] = why
        if not changed:
            return


def _candidates(roots: list[int], feats: dict[int, ClusterFeatures], clusters: _Clusters,
                weights: Weights, changed: set[int] | None = None) -> set[tuple[int, int]]:
    # Pairs across spellings that share evidence, plus, within one spelling, every group against the
    # few largest groups of that spelling: a rare name with no shared evidence is still judged on its
    # rarity, and joins transitively through its largest group without comparing all pairs.
    spelling = {root: min(clusters.names(root)) for root in roots}
    sizes = {root: len(clusters.members(root)) for root in roots}
    # Evidence is indexed per given name: "Yi Wang" and "Yu Wang" sharing a lab make no candidate pair
    # (and `union` would refuse them anyway).
    given = {root: _given_name(name) for root, name in spelling.items()}
    pairs = set(features.candidate_pairs(feats, sizes, weights.hubs_per_posting, given, changed))
    by_name: dict[str, list[int]] = defaultdict(list)
    for root in roots:
        by_name[spelling[root]].append(root)
    for same in by_name.values():
        if len(same) < 2:
            continue
        same.sort(key=lambda r: (-sizes[r], r))
        for hub in same[:weights.hubs_per_name]:
            pairs.update((min(hub, r), max(hub, r)) for r in same if r != hub)
    return pairs


def _given_name(name: str) -> str:
    first = split_name(name).first
    return first if len(first) > 1 else ""
