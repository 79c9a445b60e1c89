"""Person resolution: which author mentions belong to one person.

Hard rules come first, in precedence order (after S2AND's `get_constraint`):

1. a person's correction joins or separates the mentions it names, whatever else says;
2. names first: an id joins only mentions whose names can be one person's (`names.id_variant`); a mention
   that prints an id under an unrelated name (an e-mail in the wrong author's slot) keeps its id unused and
   is reported as a data conflict, never made a name variant of the id's owner;
3. the same id joins mentions wherever they are, within its namespace (`sources.ids`); ids of different
   namespaces never conflict;
4. two mentions on one paper, two different ids of a `hard` namespace (ACL Anthology, dblp, ORCID), or two
   spellings that cannot be one person's are never joined; two different ids of a `soft` namespace
   (OpenReview profiles, e-mails at one institution) only on overwhelming evidence: a shared profile link
   (itself an id), or many shared co-authors (`Weights.duplicate_coauthors`).

Within a block (first initial + surname) groups of mentions are then joined, best first, when the logistic
score of `features.score_pair` clears the margin; a rare name needs little or no shared evidence, a common
one much. Every tie is broken by mention index, so a build is a function of its input (files are read in a
fixed order, `sources.registry.discover_files`).
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from labscout.identity import features
from labscout.identity.constraints import PersonConstraints
from labscout.identity.features import ClusterFeatures, Weights
from labscout.identity.names import compatible, given_forms, id_variant, middle_clash, normalise_name, split_name
from labscout.sources.ids import conflict_bucket, join_key, namespace_of


@dataclass(slots=True)
class Mention:
    """One author slot on one paper, with the evidence person resolution may use."""

    name: str
    paper: str
    year: int
    # Namespaced author ids (`sources.ids`): "openreview:~Sergey_Levine1", "email:...", "dblp:...".
    ids: tuple[str, ...] = ()
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
    # Per mention, the ids it carries that were left unused and why (a data conflict for a human), or None.
    conflicts: list[str | None] = field(default_factory=list)
    # Per mention, the ids resolution used (those its name does not contradict).
    ids: list[tuple[str, ...]] = field(default_factory=list)


# Why two groups cannot simply be joined; "" when nothing stands in the way.
PAPER, SPLIT, HARD_ID, NAME, SOFT_ID = "paper", "split", "hard-id", "name", "soft-id"
# Only two mailboxes at one institution stand between the groups: weaker than two profiles (see `_resolve_block`).
SOFT_MAIL = "soft-mail"
SOFT = frozenset((SOFT_ID, SOFT_MAIL))


@dataclass(slots=True)
class _Group:
    """What the hard rules need to know about one growing cluster."""

    papers: set[str] = field(default_factory=set)
    # Ids that tell people apart, by conflict bucket (`sources.ids.conflict_bucket`).
    buckets: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    names: set[str] = field(default_factory=set)
    # Spellings that one id proved to be one person's ('Steve Skiena' and 'Steven Skiena'): a family is
    # compatible with another group's when any of its spellings is. Every other spelling is its own family,
    # so two groups without ids must be compatible in every pair of spellings. Empty (the common case): every
    # spelling in `names` is a family of its own.
    families: list[frozenset[str]] = field(default_factory=list)
    members: list[int] = field(default_factory=list)
    # Sides of the splits a person made (2k and 2k+1 are the two sides of split k): never joined.
    sides: set[int] = field(default_factory=set)
    # What its hyphenated given names say of a second initial, as (first initial, second, surname): "Cheng-Hao
    # Kuo" is (c, h, kuo). The key drops the hyphen ("Yu-Xiang" is "Yuxiang"), so `names` cannot tell.
    syllables: set[tuple[str, str, str]] = field(default_factory=set)


class _Clusters:
    """Union-find over mentions that refuses joins the hard rules forbid."""

    def __init__(self, mentions: Sequence[Mention], sides: dict[int, set[int]] | None = None,
                 ids: Sequence[Sequence[str]] | None = None) -> None:
        self.mentions = mentions
        self.sides = sides or {}
        # The ids each mention may use (those its name does not contradict); by default all it carries.
        self.ids = ids if ids is not None else [m.ids for m in mentions]
        self.parent = list(range(len(mentions)))
        # Created on first use: most mentions never meet another, and half a million sets cost seconds.
        self.groups: dict[int, _Group] = {}

    def group(self, root: int) -> _Group:
        found = self.groups.get(root)
        if found is None:
            m = self.mentions[root]
            buckets: dict[tuple[str, str], set[str]] = {}
            for author_id in self.ids[root]:
                bucket = conflict_bucket(author_id)
                if bucket is not None:
                    buckets.setdefault(bucket, set()).add(join_key(author_id))
            name = normalise_name(m.name)
            found = self.groups[root] = _Group({m.paper}, buckets, {name}, [], [root],
                                               set(self.sides.get(root, ())), _syllables(m.name))
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

    def conflict(self, a: int, b: int, *, names: bool = True) -> str:
        """What forbids joining the groups of roots `a` and `b`, strongest first; "" when nothing does."""
        ga, gb = self.group(a), self.group(b)
        if not ga.papers.isdisjoint(gb.papers):
            return PAPER
        if self.kept_apart(ga, gb):
            return SPLIT
        soft = ""
        if ga.buckets and gb.buckets:
            for bucket, found in ga.buckets.items():
                other = gb.buckets.get(bucket)
                if other is not None and found.isdisjoint(other):
                    if namespace_of(next(iter(found))).exclusive == "hard":
                        return HARD_ID
                    soft = SOFT_MAIL if bucket[0] == "email" and soft != SOFT_ID else SOFT_ID
        if names:
            if not ga.families and not gb.families:
                if not all(compatible(x, y) for x in ga.names for y in gb.names):
                    return NAME
            elif not _families_compatible(_families_of(ga), _families_of(gb)):
                return NAME
            if (ga.syllables or gb.syllables) and (_syllables_clash(ga.syllables, gb.names)
                                                   or _syllables_clash(gb.syllables, ga.names)):
                return NAME
        return soft

    def conflicting_namespaces(self, a: int, b: int) -> set[str]:
        """The namespaces in which the groups of roots `a` and `b` hold different ids."""
        ga, gb = self.group(a), self.group(b)
        return {bucket[0] for bucket, found in ga.buckets.items()
                if (other := gb.buckets.get(bucket)) is not None and found.isdisjoint(other)}

    def kept_apart(self, ga: _Group, gb: _Group) -> bool:
        return bool(ga.sides) and bool(gb.sides) and any(side ^ 1 in gb.sides for side in ga.sides)

    def union(self, a: int, b: int, *, force: bool = False, allow: frozenset[str] = frozenset(),
              bridge: tuple[str, str] | None = None) -> bool:
        """Join the groups of `a` and `b` unless a hard rule forbids it; returns whether they were joined.

        `force` (a person's correction) overrides every rule but a person's split; `allow` names the
        obstacles this join may pass (an id join passes a soft id conflict and leaves names to the id's own
        check). `bridge`: two spellings the join proved to be one person's, whose families become one.
        """
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        ga, gb = self.group(ra), self.group(rb)
        # A person's split outranks every automatic rule, even a shared id.
        if self.kept_apart(ga, gb):
            return False
        if not force:
            found = self.conflict(ra, rb, names=NAME not in allow)
            if found and found not in allow:
                return False
        self.join(ra, rb, bridge)
        return True

    def join(self, ra: int, rb: int, bridge: tuple[str, str] | None = None) -> None:
        """Join two roots whose join the caller has checked."""
        ga, gb = self.group(ra), self.group(rb)
        if len(ga.members) < len(gb.members):
            ra, rb, ga, gb = rb, ra, gb, ga
        self.parent[rb] = ra
        ga.papers |= gb.papers
        for bucket, found in gb.buckets.items():
            ga.buckets.setdefault(bucket, set()).update(found)
        if ga.families or gb.families or (bridge is not None and bridge[0] != bridge[1]):
            ga.families = _merge_families(_families_of(ga), _families_of(gb), bridge)
        ga.names |= gb.names
        ga.members.extend(gb.members)
        ga.sides |= gb.sides
        ga.syllables |= gb.syllables
        del self.groups[rb]


# A given name written in two parts joined by a hyphen ("Cheng-Hao"), followed by more of the name.
_HYPHENED_GIVEN = re.compile(r"^\s*([^\W\d_]{2,})-([^\W\d_]{2,})\s")


def _syllables(raw: str) -> set[tuple[str, str, str]]:
    found = _HYPHENED_GIVEN.match(raw)
    if found is None:
        return set()
    first, second = normalise_name(found.group(1))[:1], normalise_name(found.group(2))[:1]
    return {(first, second, split_name(raw).last)} if first and second else set()


def _syllables_clash(syllables: set[tuple[str, str, str]], names: set[str]) -> bool:
    """Whether a spelling of two initials names another second part than a hyphenated given name does.

    "Cheng-Hao Kuo" is written "C.-H. Kuo", never "C.-C. Kuo": USC's C.-C. Jay Kuo is not Amazon's Cheng-Hao
    Kuo. An initial followed by a name ("C. Jay Kuo") says nothing of a second part.
    """
    for name in names:
        parts = split_name(name)
        if len(parts.first) == 1 and parts.middle and len(parts.middle[0]) == 1:
            for first, second, last in syllables:
                if parts.first == first and parts.last == last and parts.middle[0] != second:
                    return True
    return False


def _families_of(group: _Group) -> list[frozenset[str]]:
    return group.families or [frozenset((name,)) for name in sorted(group.names)]


def _families_compatible(fa: list[frozenset[str]], fb: list[frozenset[str]]) -> bool:
    # A family is one person's spellings: it fits another when any two fit, but never when the two hold a
    # given name with two different middle names (the bare "Matthew Hoffman" an e-mail proved to be
    # "Matthew W. Hoffman" and the one another proved to be "Matthew D. Hoffman" are two people's).
    return all(any(compatible(x, y) for x in a for y in b) for a in fa for b in fb) and not any(
        middle_clash(x, y) for a in fa for b in fb for x in a for y in b)


def _merge_families(fa: list[frozenset[str]], fb: list[frozenset[str]],
                    bridge: tuple[str, str] | None) -> list[frozenset[str]]:
    merged = list(dict.fromkeys((*fa, *fb)))
    if bridge is not None and bridge[0] != bridge[1]:
        joined = [f for f in merged if bridge[0] in f or bridge[1] in f]
        merged = [f for f in merged if not (bridge[0] in f or bridge[1] in f)]
        merged.append(frozenset().union(*joined, bridge))
    if all(len(f) == 1 for f in merged):
        return []  # no spellings proven one person's: each is its own family again
    return _absorb_refinements(merged)


def _absorb_refinements(families: list[frozenset[str]]) -> list[frozenset[str]]:
    """A spelling that only adds to a family member's name ('Matt M. Botvinick' beside the 'Matt Botvinick' an
    id proved to be 'Matthew Botvinick') belongs to that family.

    Only a spelling with the member's own whole given name is absorbed: 'J. Smith' stays a family of its own,
    or it would carry 'John Smith' and 'Jane Smith' into one person.
    """
    proven = [f for f in families if len(f) > 1]
    out: list[frozenset[str]] = []
    for family in families:
        if len(family) > 1:
            continue
        (name,) = family
        first = split_name(name).first
        homes = [f for f in proven if len(first) > 1 and any(
            split_name(member).first == first and compatible(name, member) for member in f)]
        if not homes:
            out.append(family)
            continue
        grown = frozenset().union(*homes, family)
        proven = [f for f in proven if f not in homes] + [grown]
    return out + proven


PairObserver = Callable[[list[float], list[int], list[int]], None]


def resolve_people(mentions: Sequence[Mention], weights: Weights | None = None,
                   name_stats: features.NameStats | None = None,
                   observe: PairObserver | None = None,
                   constraints: PersonConstraints | None = None) -> Resolution:
    """Cluster mentions into people; returns a dense label per mention, why it joined, and data conflicts.

    `constraints` are people's corrections over mention indices, applied before any automatic rule.
    `name_stats` says how common names are; by default it is counted from `mentions` themselves.
    `observe` sees every scored pair (feature vector, members of each group): how the weights are fitted.
    """
    weights = weights or Weights()
    constraints = constraints or PersonConstraints()
    usable, conflicts = usable_ids(mentions)
    clusters = _Clusters(mentions, _sides(constraints), usable)
    reasons = ["alone"] * len(mentions)
    _join_by_correction(constraints, clusters, reasons)
    stats = name_stats or features.NameStats.from_names(m.name for m in mentions)
    _join_by_identifier(mentions, usable, clusters, reasons, conflicts, name_only_ids(mentions, usable, stats))
    idf = features.topic_idf(mentions)
    blocks: dict[str, list[int]] = defaultdict(list)
    for i, m in enumerate(mentions):
        blocks[split_name(m.name).block].append(i)
    for block in blocks.values():
        if len(block) > 1:
            _resolve_block(mentions, block, clusters, reasons, stats, idf, weights, observe)
    _join_name_variants(mentions, clusters, reasons, stats, idf, weights)
    labels: dict[int, int] = {}
    dense = [labels.setdefault(clusters.find(i), len(labels)) for i in range(len(mentions))]
    return Resolution(labels=dense, reasons=reasons, conflicts=conflicts, ids=usable)


def usable_ids(mentions: Sequence[Mention]) -> tuple[list[tuple[str, ...]], list[str | None]]:
    """The ids each mention may use, and per mention the data conflict that left one of its ids unused.

    Names first: the mentions carrying one id are grouped by spellings that can be one person's; the group
    printed most often owns the id (ties: the one met first), and a mention outside it keeps its id unused.
    """
    holders: dict[str, list[int]] = {}
    for i, m in enumerate(mentions):
        # One mailbox under two host names is one id (`sources.ids.join_key`).
        for key in dict.fromkeys(join_key(author_id) for author_id in m.ids):
            holders.setdefault(key, []).append(i)
    usable = [m.ids for m in mentions]
    conflicts: list[str | None] = [None] * len(mentions)
    for author_id, idx in holders.items():
        ns = namespace_of(author_id)
        if len(idx) < 2 or not ns.joins:
            continue
        spellings = list(dict.fromkeys(normalise_name(mentions[i].name) for i in idx))
        if len(spellings) < 2:
            continue
        owner = _owning_spellings(author_id, spellings, idx, mentions, ns.curated)
        if len(owner) == len(spellings):
            continue
        owner_name = next(mentions[i].name for i in idx if normalise_name(mentions[i].name) in owner)
        for i in idx:
            name = mentions[i].name
            if normalise_name(name) not in owner:
                printed = ", ".join(x for x in mentions[i].ids if join_key(x) == author_id)
                usable[i] = tuple(x for x in usable[i] if join_key(x) != author_id)
                note = f"{printed} is {owner_name}'s elsewhere; printed here for {name}: not used"
                conflicts[i] = note if conflicts[i] is None else f"{conflicts[i]}; {note}"
    return usable, conflicts


def _owning_spellings(author_id: str, spellings: list[str], idx: list[int], mentions: Sequence[Mention],
                      curated: bool) -> set[str]:
    """The spellings, among those printed under one id, that own it.

    The spellings are grouped into sets of mutual variants; the owner is the set whose names the id itself
    spells ('yoshua.bengio@mila.quebec', '~Sergey_Levine1'), then the one printed most often, then the one
    met first.
    """
    parent = {s: s for s in spellings}

    def find(s: str) -> str:
        while parent[s] != s:
            s = parent[s]
        return s

    for x, y in itertools.combinations(spellings, 2):
        if id_variant(x, y, curated):
            parent[find(y)] = find(x)
    count: Counter[str] = Counter()
    first: dict[str, int] = {}
    for i in idx:
        root = find(normalise_name(mentions[i].name))
        count[root] += 1
        first.setdefault(root, i)
    letters = re.sub(r"[^a-z]", "", author_id.partition(":")[2].partition("@")[0].casefold())
    spelled: Counter[str] = Counter()
    for name in spellings:
        hits = sum(1 for token in name.split() if len(token) > 2 and token in letters)
        spelled[find(name)] = max(spelled[find(name)], hits)
    best = max(count, key=lambda r: (spelled[r], count[r], -first[r]))
    return {s for s in spellings if find(s) == best}


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
        ordered = sorted(members)
        for i in ordered:
            clusters.union(ordered[0], i, force=True)
        root = clusters.find(ordered[0])
        for i in ordered:
            if clusters.find(i) == root:
                reasons[i] = "correction"


# People expected to carry a name from which the Anthology's default id of it is the name's, not a person's:
# on the labelled same-name pairs '/f/fei-huang/' (0.62) and '/j/jun-zhao/' (0.93) each held two people or
# more, like '/y/yang-liu/' (2.1), while '/j/jason-wei/' (0.4) is one.
_SHARED_NAME = 0.5


def name_only_ids(mentions: Sequence[Mention], usable: Sequence[Sequence[str]],
                  stats: features.NameStats) -> frozenset[str]:
    """ACL Anthology ids that stand for a common name, not for a person: they do not join by themselves.

    The Anthology gives every author it has not told apart the id spelt from the name ('/y/yang-liu/'): for a
    name that many people carry that id holds several of them (four Yang Lius and more in one 'person'). An id
    it made to tell one apart ('/y/yang-liu-icsi/') and the default id of a rarer name name one person.
    """
    found: set[str] = set()
    for m, ids in zip(mentions, usable, strict=True):
        for author_id in ids:
            if not author_id.startswith("acl:") or author_id in found:
                continue
            slug = author_id.removeprefix("acl:").strip("/").rpartition("/")[2]
            name = normalise_name(m.name)
            if slug.replace("-", "") == name.replace(" ", "") and stats.people_of(name) >= _SHARED_NAME:
                found.add(author_id)
    return frozenset(found)


def _join_by_identifier(mentions: Sequence[Mention], usable: Sequence[Sequence[str]], clusters: _Clusters,
                        reasons: list[str], conflicts: list[str | None], name_only: frozenset[str]) -> None:
    first: dict[str, int] = {}
    for i, ids in enumerate(usable):
        for author_id in ids:
            if not namespace_of(author_id).joins or author_id in name_only:
                continue
            j = first.setdefault(join_key(author_id), i)
            if j == i:
                continue
            # A profile link joining two OpenReview profiles is the overwhelming evidence a soft conflict
            # asks for: recorded as its own reason.
            crossed = clusters.conflict(clusters.find(j), clusters.find(i), names=False) in SOFT
            bridge = (normalise_name(mentions[j].name), normalise_name(mentions[i].name))
            if clusters.union(j, i, allow=SOFT | {NAME}, bridge=bridge):
                reason = "profile-link" if crossed else "id"
                reasons[i] = reason
                if reasons[j] == "alone":
                    reasons[j] = reason
            elif clusters.find(i) != clusters.find(j):
                why = clusters.conflict(clusters.find(j), clusters.find(i), names=False)
                note = f"{author_id} also on a mention it cannot join ({_OBSTACLE.get(why, why)}): not used"
                conflicts[i] = note if conflicts[i] is None else f"{conflicts[i]}; {note}"


_OBSTACLE = {PAPER: "one paper", SPLIT: "a person's split", HARD_ID: "another id of a namespace that "
             "tells people apart"}


def _variant_keys(name: str, stats: features.NameStats) -> list[tuple[str, ...]]:
    """Keys one person's other spellings share with this one, though `compatible` says no: the same letters
    spaced otherwise ("Ying Nian Wu", "Yingnian Wu"; "Ser-Nam Lim", "Ser Nam Lim"), an English short form of
    the given name ("Tom Griffiths", "Thomas L. Griffiths"), the first three letters of the given name under a
    surname few names carry ("Russ" and "Ruslan Salakhutdinov", "Nati" and "Nathan Srebro"), or two words in
    the other order ("Li Fei-Fei", "Fei-Fei Li")."""
    words = name.split()
    if len(words) < 2:
        return []
    first, last = words[0], words[-1]
    keys: list[tuple[str, ...]] = [("letters", "".join(words))]
    if len(first) > 1:
        keys.extend(("short-form", form, last) for form in sorted(given_forms(first)))
        if len(first) >= 3 and stats.last[last] <= _RARE_SURNAME:
            keys.append(("prefix", first[:3], last))
    if len(words) == 2 and first != last:
        keys.append(("order", *sorted(words)))
    return keys


# Distinct names carrying a surname for it to count as rare (of ~500,000 spellings: "salakhutdinov" 2,
# "smola" 4, "torr" 5, "griffiths" 7, "lim" 135, "xu" 1,177). Under a rare surname two given names with one
# beginning in one lab are one person's, not two people's ("Chang Xu" and "Chao Xu" are two).
_RARE_SURNAME = 5


def _join_name_variants(mentions: Sequence[Mention], clusters: _Clusters, reasons: list[str],
                        stats: features.NameStats, idf: dict[str, float], weights: Weights) -> None:
    """One person under spellings `compatible` keeps apart (`_variant_keys`): a short form, other spacing, the
    order swapped. The blocks never join them (a block's joins need compatible names, and a swapped order
    is another block). After the blocks, two groups whose spellings share a variant key are joined when they
    share as many co-authors as two OpenReview profiles of one person must (`features.overwhelming`); a rare
    name's groups may then hold two profiles of one namespace, as two profiles of one spelling may. Every
    other hard rule still holds (two mentions on one paper, two ids of a hard namespace, a person's split),
    and neither do groups their block kept apart (they share a spelling) or whose middle initials clash
    (`_kept_apart_by_name`). Spellings `compatible` accepts were judged in their block already.
    """
    by_key: dict[tuple[str, ...], dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for root in dict.fromkeys(clusters.find(i) for i in range(len(mentions))):
        for name in clusters.names(root):
            for key in _variant_keys(name, stats):
                by_key[key][name].append(root)
    feats: dict[int, ClusterFeatures] = {}

    def features_of(root: int) -> ClusterFeatures:
        if root not in feats:
            feats[root] = ClusterFeatures.of(clusters.members(root), mentions, idf)
        return feats[root]

    pairs: set[tuple[int, int, int, str, str]] = set()
    for spellings in by_key.values():
        if len(spellings) < 2:
            continue
        for one, other in itertools.combinations(sorted(spellings), 2):
            if compatible(one, other):
                continue
            for a in spellings[one]:
                for b in spellings[other]:
                    if a == b:
                        continue
                    shared = len(features_of(a).coauthors & features_of(b).coauthors)
                    if shared >= weights.duplicate_coauthors:
                        pairs.add((-shared, min(a, b), max(a, b), one, other))
    # Best first; ties by mention index, as in the blocks.
    for _shared, a, b, one, other in sorted(pairs):
        ra, rb = clusters.find(a), clusters.find(b)
        if ra == rb:
            continue
        log_people = max(_log_people(clusters, stats, r) for r in (ra, rb))
        fa, fb = features_of(ra), features_of(rb)
        if not features.overwhelming(fa, fb, log_people, weights) or _kept_apart_by_name(clusters, ra, rb):
            continue
        lone = [r for r in (ra, rb) if len(clusters.members(r)) == 1]
        # Two profiles of a rare name pass too, on the same overwhelming evidence as in the blocks ("Russ" and
        # "Ruslan Salakhutdinov" hold an OpenReview profile each); of a common one ("Peng Gao", "Gao Peng")
        # they may be two people of one lab.
        allow = frozenset({NAME}) | (frozenset() if features.is_common(log_people) else SOFT)
        if clusters.union(ra, rb, allow=allow, bridge=(one, other)):
            root = clusters.find(ra)
            gone = rb if root == ra else ra
            # As in the blocks: the surviving group's evidence absorbs the other's.
            feats[root] = feats[root].absorb(feats.pop(gone))
            for i in lone:
                if reasons[i] == "alone":
                    reasons[i] = "name-variant"
            if not lone:
                # As for two profiles: the joining group's first mention says why the two spellings met.
                reasons[gone] = "name-variant"


def _kept_apart_by_name(clusters: _Clusters, a: int, b: int) -> bool:
    """Whether two groups were judged apart in their block (they hold one spelling) or carry middle initials
    that cannot be one person's ("Matthew W. Hoffman", "Matthew D. Hoffman")."""
    names_a, names_b = clusters.names(a), clusters.names(b)
    if not names_a.isdisjoint(names_b):
        return True
    # Middles compared as if the given names agreed: the two spellings' given names differ by construction.
    return any(middle_clash(x, " ".join([x.split()[0], *y.split()[1:]])) for x in names_a for y in names_b
               if len(x.split()) > 2 and len(y.split()) > 2)


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
                people[root] = _log_people(clusters, stats, root)
        live = {r: feats[r] for r in roots}
        scored = []
        for a, b in _candidates(roots, live, clusters, weights, changed):
            # A pair of groups that did not change since the last round was already judged.
            if changed is not None and a not in changed and b not in changed:
                continue
            log_people = max(people[a], people[b])
            score, why = features.score_pair(feats[a], feats[b], log_people, weights, stats)
            if observe is not None:
                observe(features.pair_vector(feats[a], feats[b], log_people, weights.coauthor_cap, stats,
                                             hub_coauthors=weights.hub_coauthors),
                        clusters.members(a), clusters.members(b))
            if score >= weights.margin:
                scored.append((score, a, b, why))
        # Best first; ties by mention index, never by the order a set happened to yield the pairs in.
        scored.sort(key=lambda item: (-item[0], item[1], item[2]))
        changed = set()
        for _score, a, b, why in scored:
            ra, rb = clusters.find(a), clusters.find(b)
            if ra == rb:
                continue
            # Only a lone mention can still lack a reason (a group already carries the one that formed it):
            # marking just those keeps a prolific author's hundred merges from rescanning their group.
            lone = [r for r in (ra, rb) if len(clusters.members(r)) == 1]
            obstacle = clusters.conflict(ra, rb)
            log_people = max(people[a], people[b])
            if obstacle == SOFT_MAIL and not features.is_common(log_people):
                # A rare name at one institution under two mailboxes is one person's aliases
                # (trevor@ and trevordarrell@eecs.berkeley.edu): the pair's own evidence decides, as without ids.
                obstacle = ""
            elif obstacle in SOFT and (
                    features.overwhelming(feats[ra], feats[rb], log_people, weights)
                    # Two OpenReview profiles of a singular name need less (`features.singular_profiles`).
                    or (obstacle == SOFT_ID and clusters.conflicting_namespaces(ra, rb) == {"openreview"}
                        and features.singular_profiles(feats[ra], feats[rb], log_people))):
                obstacle, why = "", "duplicate-profile"
            grew = ra in changed or rb in changed
            if not obstacle and grew and features.established(feats[ra], feats[rb], weights):
                # Both groups grew this round after the pair was scored: judge the groups as they now are,
                # or two people of one name meet through two of their mentions' stale pair score.
                now = max(_log_people(clusters, stats, r) for r in (ra, rb))
                if features.score_pair(feats[ra], feats[rb], now, weights, stats)[0] < weights.margin:
                    obstacle = "thin"
            if not obstacle:
                clusters.join(ra, rb)
                root = clusters.find(ra)
                gone = rb if root == ra else ra
                # The surviving group's evidence absorbs the other's: no recount over all members.
                feats[root] = feats[root].absorb(feats.pop(gone))
                changed.discard(gone)
                changed.add(root)
                for i in lone:
                    if reasons[i] == "alone":
                        reasons[i] = why
                if why == "duplicate-profile" and not lone:
                    # Two groups, each already formed by its own reasons, joined across two profiles: the
                    # joining group's first mention says so, or no mention would show why the profiles met.
                    reasons[gone] = why
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
    given = {root: _given_names(clusters.names(root)) for root in roots}
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


def _given_names(names: Iterable[str]) -> tuple[str, ...]:
    """The whole given names among a group's spellings, ("",) when it has initials only."""
    found = sorted({first for first in (split_name(n).first for n in names) if len(first) > 1})
    return tuple(found) if found else ("",)


def _log_people(clusters: _Clusters, stats: features.NameStats, root: int) -> float:
    """Log of the people expected to carry a group's rarest spelling: how much evidence its joins need."""
    return math.log(max(stats.expected_people(clusters.names(root)), 1e-6))
