"""Evidence between two groups of mentions of one name, scored as log-odds that they are one person.

Each feature is named in FEATURES with its direction in the fitted coefficients (FITTED): shared co-authors,
organisations, domains and topics raise the odds; organisations in the same year with none shared lower
them; the more people are expected to carry the name, the more evidence a join needs. What can never be
one person (same paper, two ids, incompatible spellings) is left to the hard rules in `cluster`.
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
FEATURES_VERSION = 6

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
    "paper_organisation",  # otherwise, an organisation among both groups' papers' lists, 1/k of k listed
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

# Fitted by bench/fit_identity.py: logistic regression on pairs of mentions sharing an exact name, up to 300
# pairs per name, in the id-carrying files of the tuning half only (files sorted by path, every other one);
# the other half is held out for reporting. Regenerate when features change. paper_organisation is large
# because its value is small: one organisation among k on a paper's list counts 1/k (a sole listed
# organisation is as telling as the author's own slot; one of five is not). common_x_topic comes out
# negative: for common names the plain topic weight over-counts shared vocabulary, and the fit takes some
# of it back. They were fitted before the name statistics counted middle names (version 3); a refit since
# scores lower on both halves, because within one exact name the middle-name factor is a constant the fit
# cannot see, while clustering compares groups of different spellings, where it tells.
FITTED: dict[str, float] = {
    "bias": -2.237, "log_people": -0.74, "coauthor": 0.472, "organisation": 1.346, "paper_organisation": 8.088,
    "domain": 2.011, "topic": 6.442, "other_organisation": 0.304, "rare_coauthor": 0.21, "year_conflict": -0.209,
    "common_x_coauthor": 1.456, "common_x_organisation": 1.771, "common_x_paper_organisation": 0.243,
    "common_x_domain": 0.186, "common_x_topic": -0.205,
}


@dataclass(frozen=True)
class Weights:
    """The knobs of person resolution, in one place: fitted coefficients plus the clustering settings."""

    coefficients: dict[str, float] = field(default_factory=lambda: dict(FITTED))
    # Shared co-authors beyond three add nothing: a fourth is as likely from one big lab as from one person.
    coauthor_cap: int = 3
    # Merge when the log-odds clear this margin; above 0 trades recall for precision. Against the ids, F1 is
    # flat from 0.3 to 0.7 on the tuning half (0.9908-0.9910; 0.5 gives P 0.988, R 0.994; 1.0 gave P 0.991,
    # R 0.990). The ids overstate the precision lost: a hand-labelled sample (bench/identity_audit.py) finds
    # about half of it is one person's two profiles joined. Against the truth 1.0 was precision 0.995 for
    # recall 0.986; 0.5, where the two balance, is about 0.992 for 0.990.
    margin: float = 0.5
    # Evidence rounds per block: a group formed in one round brings its pooled evidence to the next.
    # Two rounds score within 0.001 of three on the tuning half; the third is cheap (changed groups only).
    rounds: int = 3
    # Within one spelling, each group is compared with this many of the largest groups (not all pairs):
    # 2 scores as well as 8 on both halves with far fewer pairs in the big blocks.
    hubs_per_name: int = 2
    # A posting list (groups sharing one co-author/organisation/domain) longer than this + 1 pairs each
    # group with this many of its largest groups only: linear instead of quadratic in big blocks.
    hubs_per_posting: int = 4
    # Two groups holding different ids of a soft namespace (two OpenReview profiles, two addresses at one
    # institution) are joined only with this many co-authors in common, one more for a common name: on the
    # hand-labelled pairs of bench/identity_audit.tsv, no pair of two people shares four, while one in four
    # pairs of one person's two profiles does (Trevor Darrell's share 47).
    duplicate_coauthors: int = 4
    # Two groups of a common name that each hold this many mentions are two established people unless a
    # thread of their own ties them: a shared co-author, or an organisation or e-mail domain printed in both
    # groups' own slots. Pooled evidence grows with a group, so a big group meets any other of its name in
    # some organisation listed for a paper ("Chang Liu" of UCAS and of NTU met on an "Alibaba" on two
    # papers' lists). Stricter variants measured on the full corpus split real people: 3 mentions, names from
    # log -3, one shared co-author as too little split Le Song and Angela Yao; 5 and -1.5 with one co-author
    # as too little split Dan Xu's Oxford years from his HKUST ones. 0 turns the rule off.
    established: int = 5
    # ...and only for names at least this common (log people expected; "Angela Yao" is -2.9, "Zhou Yu" -1.2).
    established_log_people: float = -1.5
    # ...and shared co-authors are no thread of their own when one group's years lie within the other's and
    # in this many of the same years their own slots name different places: a person is at one place at a
    # time, and a move's two places overlap only at its ends. Separated Lei Li of PKU from Lei Li of
    # ByteDance and UCSB, Ying Wu of Northwestern from Ying Nian Wu, Tong Zhang of EPFL from Tong Zhang of
    # HKUST, Yu Cheng of NUS from Yu Cheng of Microsoft, Jun Yu of USTC from Jun Yu of Hangzhou Dianzi;
    # mixed-regime precision 0.98509 -> 0.98543, recall 0.99371 unchanged, ambiguous-name F1 0.9348 ->
    # 0.9366. Without the "within", a mover's two groups split (Jiajun Wu's MIT and Stanford papers). 0 turns
    # it off.
    years_apart: int = 2
    # For any common name (log people from -3), two established groups that meet only in paper-level lists
    # (no shared co-author, no organisation or e-mail domain in their own slots) are two people when one's
    # years lie within the other's: a list names every author's places, so a group of twenty papers meets
    # any other in some university (Ye Yuan of CMU and of Megvii in a Zhejiang University, Ke Yan of Tencent
    # and of Alibaba's medical imaging, Junho Kim of SNU and of NCSOFT), while someone who moved and met new
    # co-authors has years one after the other (Baoyuan Wang's Microsoft and Xiaobing.AI). On the full
    # corpus, mixed regime: precision 0.98508 -> 0.98512, recall 0.99371 unchanged, ambiguous-name F1
    # 0.9363 -> 0.9365; of the six names it changes, five were two people (Fei Yin, Hyunwoo Kim, Junho Kim,
    # Ke Yan, Ye Yuan), one (Yongxin Yang's Huawei years) is one person now split. False turns it off.
    nested_lists_apart: bool = True
    # A group with this many co-authors is a hub: for a common name, only its co-authors of names that about
    # one person or fewer carry ("Gangshan Wu", not "Jie Liu") count as shared with another group, since a
    # hub's hundreds of co-authors hold some common name of anyone's. Lei Zhang of PolyU and Lei Zhang of MSRA
    # were one person of 212 papers, Zhou Yu of Columbia held Zhou Yu of Hangzhou Dianzi. On the full corpus
    # the mixed regime's precision rose 0.98488 -> 0.98509 at the same recall; 0 turns it off.
    hub_coauthors: int = 100

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

    def __init__(self, first: Counter[str], last: Counter[str], total: int,
                 middle: Counter[str] | None = None) -> None:
        self.first, self.last, self.total = first, last, max(total, 1)
        # Middle tokens (whole names and initials) among all distinct names: "William Yang Wang" is far
        # rarer than "William Wang", and "Michael W. Mahoney" than "Michael Mahoney".
        self.middle = middle if middle is not None else Counter()
        self._cache: dict[tuple[str, ...], float] = {}
        self._single: dict[str, float] = {}

    @classmethod
    def from_names(cls, names: Iterable[str]) -> NameStats:
        first: Counter[str] = Counter()
        last: Counter[str] = Counter()
        middle: Counter[str] = Counter()
        distinct = {normalise_name(n) for n in names}
        for name in distinct:
            given, rest = _given_and_middle(name)
            if given:
                first[given] += 1
            middle.update(rest)
            last[split_name(name).last] += 1
        return cls(first, last, len(distinct), middle)

    def expected_people(self, names: Iterable[str]) -> float:
        """People expected to carry the rarest full spelling among `names` (cached)."""
        key = tuple(sorted(names))
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self._expected(key)
        return found

    def people_of(self, name: str) -> float:
        """`expected_people` of one spelling, cached by the spelling itself (the hot path)."""
        found = self._single.get(name)
        if found is None:
            found = self._single[name] = self._expected((name,))
        return found

    def _expected(self, names: Iterable[str]) -> float:
        """People expected to carry the rarest full spelling among `names`, if names combined at random.

        The rarest, because one distinctive spelling ('Yu-Xiang Wang') is evidence even when the group also
        holds a common variant ('Y. Wang').
        """
        best = math.inf
        for name in names:
            given, rest = _given_and_middle(name)
            if not given:
                continue
            found = self.first.get(given, 1) * self.last.get(split_name(name).last, 1) / self.total
            if self.middle:
                for token in rest:
                    found *= self.middle.get(token, 1) / self.total
            best = min(best, found)
        if best == math.inf:
            # Only initials: every person with that initial and surname could be meant.
            name = next(iter(names))
            last = split_name(name).last
            best = self.last.get(last, 1) * 0.05
        return best


def _given_and_middle(name: str) -> tuple[str, tuple[str, ...]]:
    """The given name (the first whole token: 'J. Zico Kolter' goes by Zico) and the middle tokens after it."""
    parts = split_name(name)
    tokens = (parts.first, *parts.middle) if parts.first else ()
    for k, token in enumerate(tokens):
        if len(token) > 1:
            return token, tokens[k + 1:]
    return "", ()


@dataclass(slots=True)
class ClusterFeatures:
    """The evidence of one group of mentions, merged incrementally as groups join."""

    # Only membership is ever compared: a set (a Counter per mention cost a tenth of the runtime).
    coauthors: set[str]
    orgs: set[str]
    org_years: dict[int, set[str]]
    # Every organisation met on the group's papers, with how surely it is the author's own: 1 when printed
    # in the author's slot, 1/k when it is one of k organisations listed for the whole paper (a paper's
    # list of five labs says little about which one a given author is at).
    loose_orgs: dict[str, float]
    domains: set[str]
    topics: dict[str, float]
    # Sum of squared topic weights, kept up to date on merges (recounting a big group's topics per merge
    # was the quadratic part of clustering a prolific author).
    sq: float
    # Mentions in the group: whether it is an established person of its own (see `Weights.established`).
    size: int = 1

    @property
    def norm(self) -> float:
        return math.sqrt(self.sq) or 1.0

    @classmethod
    def of_mention(cls, m: Mention, idf: dict[str, float]) -> ClusterFeatures:
        orgs = {m.org} if m.org else set()
        # A slot can hold several domains joined by '+' (two affiliations at once).
        domains = set(m.domain.split("+")) if m.domain else set()
        topics = {t: idf.get(t, 0.0) for t in m.topics}
        # 1/k: the weight 2/k scored the same on the tuning half; 1/k is the plain reading.
        loose = dict.fromkeys(m.paper_orgs, 1.0 / max(len(m.paper_orgs), 1))
        if m.org:
            loose[m.org] = 1.0
        return cls(set(m.coauthors), orgs, {m.year: set(orgs)} if orgs else {},
                   loose, domains, topics, sum(v * v for v in topics.values()))

    @classmethod
    def of(cls, members: Sequence[int], mentions: Sequence[Mention], idf: dict[str, float]) -> ClusterFeatures:
        it = iter(members)
        merged = cls.of_mention(mentions[next(it)], idf)
        for i in it:
            merged.absorb(cls.of_mention(mentions[i], idf))
        return merged

    def absorb(self, other: ClusterFeatures) -> ClusterFeatures:
        """Fold `other` into this group's evidence (in place: `other`'s group has just joined this one)."""
        self.coauthors |= other.coauthors
        self.orgs |= other.orgs
        for year, found in other.org_years.items():
            self.org_years.setdefault(year, set()).update(found)
        loose = self.loose_orgs
        for org, sure in other.loose_orgs.items():
            if sure > loose.get(org, 0.0):
                loose[org] = sure
        self.domains |= other.domains
        topics = self.topics
        sq = self.sq
        for t, v in other.topics.items():
            old = topics.get(t, 0.0)
            topics[t] = new = old + v
            sq += new * new - old * old
        self.sq = sq
        self.size += other.size
        return self


def candidate_pairs(feats: dict[int, ClusterFeatures], sizes: dict[int, int] | None = None,
                    hubs: int = 4, given: dict[int, tuple[str, ...]] | None = None,
                    changed: set[int] | None = None) -> Iterator[tuple[int, int]]:
    """Pairs of groups that share a co-author, an organisation or a domain.

    Groups are paired only with groups sharing a given name (`given`: a group's given names, ("",) for
    initials only, which pair with every given name): "Yi Wang" and "Yu Wang" at one lab share evidence but
    can never be one person, while a group an id gave both 'Matt' and 'Matthew' pairs with either.
    A short posting list gives all its pairs; a longer one pairs each group only with the `hubs` largest
    groups on it: shared evidence mostly means one person, who then gathers through the hubs (transitively,
    and in later rounds) at linear rather than quadratic cost. With `changed`, only evidence some changed
    group holds is indexed (pairs of unchanged groups were judged in an earlier round).
    """
    postings: dict[tuple[int, str, str], list[int]] = {}
    initials: dict[tuple[int, str], list[int]] = {}
    wanted: list[set[str]] | None = None
    if changed is not None:
        wanted = [set(), set(), set()]
        for root in changed:
            f = feats[root]
            wanted[0] |= f.coauthors
            wanted[1].update(f.loose_orgs)
            wanted[2] |= f.domains
    for root, f in feats.items():
        firsts = given.get(root, ("",)) if given is not None else ("",)
        for kind, found in enumerate((f.coauthors, f.loose_orgs.keys(), f.domains)):
            keys = found & wanted[kind] if wanted is not None else found
            for key in keys:
                for first in firsts:
                    postings.setdefault((kind, key, first), []).append(root)
                    if not first and given is not None:
                        initials.setdefault((kind, key), []).append(root)
    for (kind, key, first), roots in postings.items():
        n = len(roots)
        if first and (kind, key) in initials:
            # Initials-only groups are candidates for every given name: pair them with this list's hubs.
            yield from _star(initials[(kind, key)] + roots, roots, sizes, hubs)
        if n < 2 or n > _MAX_POSTING:
            continue
        if n <= hubs + 1 or sizes is None:
            for i, a in enumerate(roots):
                for b in roots[i + 1:]:
                    yield (a, b) if a < b else (b, a)
        else:
            yield from _star(roots, roots, sizes, hubs)


def _star(roots: list[int], hub_pool: list[int], sizes: dict[int, int] | None, hubs: int) -> Iterator[tuple[int, int]]:
    top = sorted(hub_pool, key=lambda r: (-sizes[r], r))[:hubs] if sizes is not None else hub_pool[:hubs]
    for hub in top:
        for b in roots:
            if b != hub:
                yield (hub, b) if hub < b else (b, hub)


def shared_coauthors(a: ClusterFeatures, b: ClusterFeatures, common_name: bool, cap: int, hub: int,
                     stats: NameStats) -> tuple[int, int]:
    """Co-authors two groups share, and how many of them have rare names, each capped at `cap`; a hub's
    (`Weights.hub_coauthors`) co-authors of common names are left out for a common name."""
    small, large = (a.coauthors, b.coauthors) if len(a.coauthors) <= len(b.coauthors) else (b.coauthors, a.coauthors)
    is_hub = bool(hub) and common_name and len(large) >= hub
    shared = rare = 0
    for key in small:
        if key in large:
            people = stats.people_of(key)
            if is_hub and people >= 1.0:
                continue
            shared += 1
            if people <= _RARE_COAUTHOR:
                rare += 1
    return min(shared, cap), min(rare, cap)


def pair_vector(a: ClusterFeatures, b: ClusterFeatures, log_people: float, coauthor_cap: int,
                stats: NameStats, topic: float | None = None, hub_coauthors: int = 0) -> list[float]:
    """The values of FEATURES for two groups of mentions (`topic` given: the cosine is not computed)."""
    shared, rare = shared_coauthors(a, b, is_common(log_people), coauthor_cap, hub_coauthors, stats)
    year_conflict = _years_elsewhere(a.org_years, b.org_years) > 0
    same_org = not a.orgs.isdisjoint(b.orgs)
    paper_org = 0.0 if same_org else _paper_org(a, b)
    cosine = _cosine(a, b) if topic is None else topic
    x = [
        log_people, float(shared), 1.0 if same_org else 0.0, paper_org,
        1.0 if not a.domains.isdisjoint(b.domains) else 0.0, cosine,
        1.0 if a.orgs and b.orgs and not same_org else 0.0, float(rare), 1.0 if year_conflict else 0.0,
    ]
    common_name = 1.0 if is_common(log_people) else 0.0
    return [*x, common_name * x[1], common_name * x[2], common_name * x[3], common_name * x[4], common_name * x[5]]


_EVIDENCE = ("coauthor", "organisation", "paper-organisation", "domain", "topic")


def score_pair(a: ClusterFeatures, b: ClusterFeatures, log_people: float, w: Weights,
               stats: NameStats) -> tuple[float, str]:
    """Log-odds that two groups are one person, and the strongest kind of evidence behind it.

    The same sum as `pair_vector` . coefficients, written out (this runs millions of times). The topic
    cosine is the costly feature and bounded (0..1): it is computed only when it could move the score
    across the merge margin.
    """
    c = w.coefficients
    common = is_common(log_people)
    shared, rare = shared_coauthors(a, b, common, w.coauthor_cap, w.hub_coauthors, stats)
    same_org = not a.orgs.isdisjoint(b.orgs)
    paper_org = 0.0 if same_org else _paper_org(a, b)
    domain = not a.domains.isdisjoint(b.domains)
    # Evidence per kind: its own coefficient plus, for common names, the common_x one.
    k_co = c["coauthor"] + (c["common_x_coauthor"] if common else 0.0)
    k_org = c["organisation"] + (c["common_x_organisation"] if common else 0.0)
    k_porg = c["paper_organisation"] + (c["common_x_paper_organisation"] if common else 0.0)
    k_dom = c["domain"] + (c["common_x_domain"] if common else 0.0)
    k_topic = c["topic"] + (c["common_x_topic"] if common else 0.0)
    score = c["bias"] + c["log_people"] * log_people + k_co * shared + c["rare_coauthor"] * rare
    if same_org:
        score += k_org
    elif a.orgs and b.orgs:
        score += c["other_organisation"]
    if paper_org:
        score += k_porg * paper_org
    if domain:
        score += k_dom
    ya, yb = a.org_years, b.org_years
    elsewhere = _years_elsewhere(ya, yb)
    if elsewhere:
        score += c["year_conflict"]
    if not same_org and not domain and established(a, b, w):
        if log_people >= w.established_log_people and (
                not shared or (bool(w.years_apart) and elsewhere >= w.years_apart and _nested(ya, yb))):
            return min(score, w.margin - 1.0), "thin"
        if w.nested_lists_apart and common and paper_org and not shared and _nested(ya, yb):
            return min(score, w.margin - 1.0), "thin"
    cosine = 0.0
    if score < w.margin <= score + k_topic:
        cosine = _cosine(a, b)
        score += k_topic * cosine
    if score < w.margin:
        return score, "rare-name"
    parts = (k_co * shared, k_org * same_org, k_porg * paper_org, k_dom * domain, k_topic * cosine)
    best = max(range(len(parts)), key=parts.__getitem__)
    return score, _EVIDENCE[best] if parts[best] > 0 else "rare-name"


def _years_elsewhere(ya: dict[int, set[str]], yb: dict[int, set[str]]) -> int:
    """In how many of the same years both groups' own slots name organisations and none in common."""
    return sum(1 for y in ya.keys() & yb.keys() if ya[y].isdisjoint(yb[y]))


def _nested(ya: dict[int, set[str]], yb: dict[int, set[str]]) -> bool:
    """Whether one group's years with an organisation lie within the other's (ending with it or starting with
    it included), unlike a move's two places, which overlap only at its ends (papers written before it appear
    after it)."""
    if not (ya and yb):
        return False
    a0, a1, b0, b1 = min(ya), max(ya), min(yb), max(yb)
    return (a0 <= b0 and b1 <= a1) or (b0 <= a0 and a1 <= b1)


def established(a: ClusterFeatures, b: ClusterFeatures, w: Weights) -> bool:
    """Whether both groups hold enough mentions to be people of their own (`Weights.established`)."""
    return bool(w.established) and min(a.size, b.size) >= w.established


def is_common(log_people: float) -> bool:
    """Whether a name is carried by enough people that it needs more evidence to join (see `_COMMON_NAME`)."""
    return log_people >= _COMMON_NAME


# A name so rare that two people carrying it would be a coincidence (0.005 people expected by chance).
_SINGULAR_NAME = math.log(0.005)


def singular_profiles(a: ClusterFeatures, b: ClusterFeatures, log_people: float) -> bool:
    """Whether two OpenReview profiles of a name that rare are one person's: one organisation and one co-author.

    A second profile is mostly its owner's (Ilya Sutskever's ~Ilya_Sutskever2, on one 2024 paper with his
    OpenAI colleagues; Massimiliano Pontil's, Tomaso Poggio's). Not for namespaces that tell people apart by
    hand (the Anthology's '-1' pages, dblp's disambiguated pages): those need `overwhelming` evidence.
    """
    return log_people < _SINGULAR_NAME and not a.orgs.isdisjoint(b.orgs) and not a.coauthors.isdisjoint(b.coauthors)


def overwhelming(a: ClusterFeatures, b: ClusterFeatures, log_people: float, w: Weights) -> bool:
    """Whether two groups that hold different ids of a soft namespace are still one person's."""
    small, large = (a.coauthors, b.coauthors) if len(a.coauthors) <= len(b.coauthors) else (b.coauthors, a.coauthors)
    need = w.duplicate_coauthors + (1 if is_common(log_people) else 0)
    shared = 0
    for key in small:
        if key in large:
            shared += 1
            if shared >= need:
                return True
    return False


def _paper_org(a: ClusterFeatures, b: ClusterFeatures) -> float:
    """How surely both groups were at one organisation known only from their papers' lists (0..1)."""
    small, large = a.loose_orgs, b.loose_orgs
    if len(small) > len(large):
        small, large = large, small
    best = 0.0
    for org, sure in small.items():
        other = large.get(org)
        if other is not None:
            best = max(best, min(sure, other))
    return best


def _cosine(a: ClusterFeatures, b: ClusterFeatures) -> float:
    small, large = (a.topics, b.topics) if len(a.topics) <= len(b.topics) else (b.topics, a.topics)
    dot = 0.0
    for t, v in small.items():
        other = large.get(t)
        if other is not None:
            dot += v * other
    return dot / (a.norm * b.norm)
