"""Measured person resolution: B-cubed against OpenReview ids, in two regimes, per mention and per person.

* Hidden ids: the files that carry OpenReview ids, resolved with every id hidden (names and evidence only).
* The mixed regime, the one the product runs in: the whole corpus, where the files carrying OpenReview ids
  are split at random (a fixed seed) into thirds; in the first the ids are kept, in the second each
  profile is re-issued under another namespace, consistently (as ACL Anthology ids and e-mails are), in the
  third they are removed. Every other file keeps its own ids (ACL, e-mails). Scored on every mention that
  carries an OpenReview id, against the gold with proven duplicate profiles joined (`gold`), with the raw
  ids beside it.
* Per person: of the gold people with 20 or more mentions, the share whose mentions sit 95% or more in one
  resolved person. B-cubed over mentions is dominated by the long tail of people with one or two papers;
  this is the figure for the people a recruiter looks for.
"""

from __future__ import annotations

import hashlib
import itertools
import random
import time
from collections import Counter, defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from labscout.errors import NotFoundError
from labscout.identity import orgs, simulated_user
from labscout.identity.bcubed import BCubed, bcubed
from labscout.identity.cluster import Mention, resolve_people
from labscout.identity.constraints import mention_key
from labscout.identity.features import Weights
from labscout.identity.gold import joined_gold, proven_duplicates
from labscout.identity.mentions import IdsOf, MentionRef, build_mentions, no_ids, source_ids
from labscout.identity.names import normalise_name
from labscout.kit.bulk import cyclic_gc_paused
from labscout.sources import paperlists, registry
from labscout.sources.ids import make_id
from labscout.sources.records import AuthorMention, PaperRecord

__all__ = ["BCubed", "HiddenIdRun", "IdentityReport", "MixedRegime", "MixedRun", "ProminentPeople",
           "ambiguous_subset", "bcubed", "evaluate_identity", "mixed_regime", "prominent_people", "resolve_hidden_ids",
           "resolve_mixed", "same_name_id_pairs"]

# Gold people with this many mentions or more are the prominent ones, and this share of their mentions must
# sit in one resolved person for them to count as one person.
PROMINENT_MENTIONS = 20
ONE_PERSON_SHARE = 0.95
MIXED_SEED = 20261201


def ambiguous_subset(names: Sequence[str], gold: Sequence[Hashable]) -> list[int]:
    """Mentions whose exact name is carried by two or more gold people."""
    people: dict[str, set[Hashable]] = defaultdict(set)
    for name, person in zip(names, gold, strict=True):
        people[name].add(person)
    return [i for i, name in enumerate(names) if len(people[name]) > 1]


@dataclass(frozen=True, slots=True)
class SplitPerson:
    """A prominent gold person whose mentions are spread over several resolved people."""

    gold_id: str
    name: str
    mentions: int
    largest_share: float
    pieces: int


@dataclass(frozen=True, slots=True)
class ProminentPeople:
    """Of the gold people with `min_mentions`+ mentions, how many sit `share`+ in one resolved person."""

    min_mentions: int
    share: float
    people: int
    one_person: int
    one_person_share: float
    split: tuple[SplitPerson, ...] = ()


def prominent_people(predicted: Sequence[Hashable], gold: Sequence[Hashable], names: Sequence[str],
                     min_mentions: int = PROMINENT_MENTIONS, share: float = ONE_PERSON_SHARE) -> ProminentPeople:
    """Per person, not per mention: the share of prominent gold people whose mentions stay together."""
    by_gold: dict[Hashable, Counter[Hashable]] = defaultdict(Counter)
    spelled: dict[Hashable, Counter[str]] = defaultdict(Counter)
    for label, person, name in zip(predicted, gold, names, strict=True):
        by_gold[person][label] += 1
        spelled[person][name] += 1
    people = one = 0
    split: list[SplitPerson] = []
    for person, labels in by_gold.items():
        total = sum(labels.values())
        if total < min_mentions:
            continue
        people += 1
        largest = max(labels.values()) / total
        if largest >= share:
            one += 1
        else:
            split.append(SplitPerson(str(person), spelled[person].most_common(1)[0][0], total, largest,
                                     len(labels)))
    split.sort(key=lambda s: (-s.mentions, s.gold_id))
    return ProminentPeople(min_mentions, share, people, one, one / people if people else 0.0, tuple(split))


@dataclass(frozen=True, slots=True)
class MixedRegime:
    """The whole corpus with OpenReview ids kept, re-issued or removed per file; scored on those mentions."""

    seed: int
    files_kept: int
    files_reissued: int
    files_removed: int
    mentions: int           # every mention resolved (the whole corpus)
    scored_mentions: int    # the mentions that carry an OpenReview id
    gold_people: int        # with proven duplicates joined
    proven_duplicate_pairs: int
    precision: float        # against the gold with proven duplicates joined
    recall: float
    f1: float
    raw_ids: BCubed         # against the raw OpenReview ids
    ambiguous: BCubed       # mentions whose name several gold people carry, against the joined gold
    ambiguous_mentions: int
    prominent: ProminentPeople
    seconds: float
    # Per part (kept / reissued / removed), against the joined gold.
    by_part: dict[str, BCubed] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class IdentityReport:
    """Person resolution against hidden OpenReview ids, beside the exact-name baseline."""

    files: int
    mentions: int
    gold_mentions: int
    gold_people: int
    ambiguous_mentions: int
    baseline_all: BCubed
    baseline_ambiguous: BCubed
    resolved_all: BCubed
    resolved_ambiguous: BCubed
    seconds: float
    simulated: tuple[simulated_user.SimulatedRun, ...] = ()
    mixed_regime: MixedRegime | None = None
    # Per person in the hidden-id regime (all ids hidden), for comparison with the mixed regime's.
    prominent_hidden: ProminentPeople | None = None


def read_files(paths: Sequence[Path]) -> dict[str, list[PaperRecord]]:
    """The records of every file under `paths`, by file path, in the build's order (bad records left out)."""
    return {str(path): list(paperlists.iter_records(path, skip_bad=True, skipped=[]))
            for path in registry.discover_files(paths)}


def carries_openreview_ids(file_records: Sequence[PaperRecord]) -> bool:
    return any(a.openreview_id for r in file_records for a in r.authors)


def id_carrying_files(paths: Sequence[Path] | None = None,
                      read: dict[str, list[PaperRecord]] | None = None) -> dict[str, list[PaperRecord]]:
    """The records of each file (under `paths`, or among those `read`) that carries OpenReview author ids."""
    by_file = read if read is not None else read_files(paths or [])
    found = {path: recs for path, recs in by_file.items() if carries_openreview_ids(recs)}
    if not found:
        raise NotFoundError("no file under the given paths carries OpenReview author ids to evaluate against")
    return found


def hidden_id_mentions(records: Sequence[PaperRecord]) -> tuple[list[Mention], list[MentionRef]]:
    """Mentions built as in production but with every author id hidden (the ids stay on the refs)."""
    return _mentions(records, no_ids)


def _mentions(records: Sequence[PaperRecord], ids_of: IdsOf) -> tuple[list[Mention], list[MentionRef]]:
    resolver = orgs.OrgResolver()
    cache: dict[tuple[str | None, str | None], str | None] = {}

    def org_of(raw: str | None, domain: str | None) -> str | None:
        key = (raw, domain)
        if key not in cache:
            found = resolver.resolve(raw, domain) if raw or domain else None
            cache[key] = found.org.org_id if found else None
        return cache[key]

    return build_mentions(records, org_of, ids_of=ids_of, usable_domain=lambda d: not orgs.is_generic_domain(d))


@dataclass(frozen=True, slots=True)
class HiddenIdRun:
    """The id-carrying files resolved with every id hidden, and which mentions carry which id."""

    files: int
    mentions: list[Mention]
    refs: list[MentionRef]
    labels: list[int]  # the resolved person of every mention
    gold_idx: list[int]  # the mentions that carry an id
    gold: list[str]  # their ids, in the order of gold_idx

    @property
    def predicted(self) -> list[int]:
        """The resolved person of each mention that carries an id, in the order of `gold`."""
        return [self.labels[i] for i in self.gold_idx]

    @property
    def names(self) -> list[str]:
        """The printed name of each mention that carries an id."""
        return [self.refs[i].author.name for i in self.gold_idx]

    @property
    def papers(self) -> list[str]:
        """The paper of each mention that carries an id."""
        return [self.mentions[i].paper for i in self.gold_idx]


def resolve_hidden_ids(paths: Sequence[Path], weights: Weights | None = None,
                       read: dict[str, list[PaperRecord]] | None = None) -> HiddenIdRun:
    """Resolve the files under `paths` (or among those `read`) that carry OpenReview ids as if they carried none."""
    with cyclic_gc_paused():
        by_file = id_carrying_files(paths, read)
        records = [r for file_records in by_file.values() for r in file_records]
        mentions, refs = hidden_id_mentions(records)
        labels = resolve_people(mentions, weights).labels
    gold_idx = [i for i, ref in enumerate(refs) if ref.author.openreview_id]
    gold = [str(refs[i].author.openreview_id) for i in gold_idx]
    return HiddenIdRun(files=len(by_file), mentions=mentions, refs=refs, labels=labels, gold_idx=gold_idx,
                       gold=gold)


def same_name_id_pairs(gold: Sequence[str], names: Sequence[str], papers: Sequence[str]) -> set[tuple[str, str]]:
    """Pairs of ids (sorted) that print one normalised name and never sit on one paper.

    These are the pairs that could be one person's two profiles: two ids on one paper are two people
    whatever else they share.
    """
    by_name: dict[str, set[str]] = defaultdict(set)
    on_papers: dict[str, set[str]] = defaultdict(set)
    for person, name, paper in zip(gold, names, papers, strict=True):
        by_name[normalise_name(name)].add(person)
        on_papers[person].add(paper)
    return {(a, b) for ids in by_name.values() for a, b in itertools.combinations(sorted(ids), 2)
            if on_papers[a].isdisjoint(on_papers[b])}


def _reissued(profile: str) -> str:
    """The stand-in id of an OpenReview profile in the re-issued part: another namespace, one per profile."""
    return make_id("heldout", hashlib.blake2b(profile.encode(), digest_size=6).hexdigest())


@dataclass(frozen=True, slots=True)
class MixedRun:
    """The whole corpus resolved in the mixed regime, and which mentions carry which OpenReview id."""

    mentions: list[Mention]
    refs: list[MentionRef]
    labels: list[int]               # the resolved person of every mention
    part: dict[str, str]            # file -> kept | reissued | removed, for the files carrying OpenReview ids
    scored: list[int]               # the mentions that carry an OpenReview id
    raw: list[str]                  # their ids, in the order of `scored`
    gold: list[str]                 # the same with proven duplicates joined
    duplicates: list[tuple[str, str]]

    @property
    def predicted(self) -> list[int]:
        return [self.labels[i] for i in self.scored]

    @property
    def names(self) -> list[str]:
        return [self.refs[i].author.name for i in self.scored]

    @property
    def papers(self) -> list[str]:
        return [self.refs[i].record.paper_id for i in self.scored]


def resolve_mixed(read: dict[str, list[PaperRecord]], weights: Weights | None = None,
                  seed: int = MIXED_SEED) -> MixedRun:
    """Resolve the whole corpus with the OpenReview ids kept, re-issued or removed per file (see the module)."""
    carrying = sorted(path for path, recs in read.items() if carries_openreview_ids(recs))
    if not carrying:
        raise NotFoundError("no file under the given paths carries OpenReview author ids to evaluate against")
    shuffled = carrying[:]
    random.Random(seed).shuffle(shuffled)
    third = len(shuffled) // 3
    part = {path: "kept" for path in shuffled[:len(shuffled) - 2 * third]}
    part.update({path: "reissued" for path in shuffled[len(shuffled) - 2 * third:len(shuffled) - third]})
    part.update({path: "removed" for path in shuffled[len(shuffled) - third:]})

    def ids_of(record: PaperRecord, author: AuthorMention) -> tuple[str, ...]:
        found = part.get(record.source_file)
        if found is None or found == "kept":
            return source_ids(record, author)
        if found == "reissued" and author.openreview_id:
            return (_reissued(author.openreview_id),)
        return ()

    records = [r for recs in read.values() for r in recs]
    with cyclic_gc_paused():
        mentions, refs = _mentions(records, ids_of)
        labels = resolve_people(mentions, weights).labels
    scored = [i for i, ref in enumerate(refs) if ref.author.openreview_id]
    raw = [str(refs[i].author.openreview_id) for i in scored]
    duplicates = proven_duplicates(records)
    return MixedRun(mentions, refs, labels, part, scored, raw, joined_gold(raw, duplicates), duplicates)


def mixed_regime(read: dict[str, list[PaperRecord]], weights: Weights | None = None,
                 seed: int = MIXED_SEED) -> MixedRegime:
    """The mixed regime's figures (see the module)."""
    started = time.perf_counter()
    run = resolve_mixed(read, weights, seed)
    predicted, gold, names = run.predicted, run.gold, run.names
    ambiguous = ambiguous_subset(names, gold)
    against = bcubed(predicted, gold)
    parts = [run.part[run.refs[i].record.source_file] for i in run.scored]
    by_part = {name: bcubed(predicted, gold, [k for k, p in enumerate(parts) if p == name])
               for name in ("kept", "reissued", "removed")}
    counts = Counter(run.part.values())
    return MixedRegime(
        seed=seed, files_kept=counts["kept"], files_reissued=counts["reissued"], files_removed=counts["removed"],
        mentions=len(run.mentions), scored_mentions=len(run.scored), gold_people=len(set(gold)),
        proven_duplicate_pairs=len(run.duplicates), precision=against.precision, recall=against.recall,
        f1=against.f1, raw_ids=bcubed(predicted, run.raw), ambiguous=bcubed(predicted, gold, ambiguous),
        ambiguous_mentions=len(ambiguous), prominent=prominent_people(predicted, gold, names),
        seconds=time.perf_counter() - started, by_part=by_part,
    )


def evaluate_identity(paths: Sequence[Path], simulate: Sequence[int] = (), *, mixed: bool = True,
                      seed: int = MIXED_SEED) -> IdentityReport:
    """Score person resolution with every OpenReview id hidden and, with `mixed`, in the mixed regime.

    For each N in `simulate`, also apply the N corrections a careful user would make and score again.
    """
    started = time.perf_counter()
    read = read_files(paths)
    run = resolve_hidden_ids(paths, read=read)
    gold, names, predicted = run.gold, run.names, run.predicted
    ambiguous = ambiguous_subset(names, gold)
    keys = [mention_key(ref.record.paper_id, ref.author.order) for ref in run.refs]
    truth = {i: person for i, person in zip(run.gold_idx, gold, strict=True)}
    runs = tuple(simulated_user.simulate(run.mentions, keys, truth, run.labels, n) for n in simulate)
    regime = mixed_regime(read, seed=seed) if mixed else None
    return IdentityReport(
        files=run.files, mentions=len(run.mentions), gold_mentions=len(gold), gold_people=len(set(gold)),
        ambiguous_mentions=len(ambiguous),
        baseline_all=bcubed(names, gold), baseline_ambiguous=bcubed(names, gold, ambiguous),
        resolved_all=bcubed(predicted, gold), resolved_ambiguous=bcubed(predicted, gold, ambiguous),
        seconds=time.perf_counter() - started, simulated=runs, mixed_regime=regime,
        prominent_hidden=prominent_people(predicted, gold, names),
    )
