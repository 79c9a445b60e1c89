"""Measured person resolution: B-cubed precision, recall and F1 against OpenReview ids kept hidden."""

from __future__ import annotations

import itertools
import time
from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from pathlib import Path

from labscout.errors import NotFoundError
from labscout.identity import orgs, simulated_user
from labscout.identity.bcubed import BCubed, bcubed
from labscout.identity.cluster import Mention, resolve_people
from labscout.identity.constraints import mention_key
from labscout.identity.features import Weights
from labscout.identity.mentions import MentionRef, build_mentions
from labscout.identity.names import normalise_name
from labscout.kit.bulk import cyclic_gc_paused
from labscout.sources import paperlists, registry
from labscout.sources.records import PaperRecord

__all__ = ["BCubed", "HiddenIdRun", "IdentityReport", "ambiguous_subset", "bcubed", "evaluate_identity",
           "resolve_hidden_ids", "same_name_id_pairs"]


def ambiguous_subset(names: Sequence[str], gold: Sequence[Hashable]) -> list[int]:
    """Mentions whose exact name is carried by two or more gold people."""
    people: dict[str, set[Hashable]] = defaultdict(set)
    for name, person in zip(names, gold, strict=True):
        people[name].add(person)
    return [i for i, name in enumerate(names) if len(people[name]) > 1]


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


def id_carrying_files(paths: Sequence[Path]) -> dict[str, list[PaperRecord]]:
    """The records of each file under `paths` that carries OpenReview author ids, by file path."""
    found: dict[str, list[PaperRecord]] = {}
    for path in registry.discover_files(paths):
        file_records = list(paperlists.iter_records(path, skip_bad=True, skipped=[]))
        if any(a.openreview_id for r in file_records for a in r.authors):
            found[str(path)] = file_records
    if not found:
        raise NotFoundError("no file under the given paths carries OpenReview author ids to evaluate against")
    return found


def hidden_id_mentions(records: Sequence[PaperRecord]) -> tuple[list[Mention], list[MentionRef]]:
    """Mentions built as in production but with every author id hidden (the ids stay on the refs)."""
    resolver = orgs.OrgResolver()

    def org_of(raw: str | None, domain: str | None) -> str | None:
        found = resolver.resolve(raw, domain) if raw or domain else None
        return found.org.org_id if found else None

    return build_mentions(records, org_of, use_ids=False, usable_domain=lambda d: not orgs.is_generic_domain(d))


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


def resolve_hidden_ids(paths: Sequence[Path], weights: Weights | None = None) -> HiddenIdRun:
    """Resolve the files under `paths` that carry OpenReview ids as if they carried none."""
    with cyclic_gc_paused():
        by_file = id_carrying_files(paths)
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


def evaluate_identity(paths: Sequence[Path], simulate: Sequence[int] = ()) -> IdentityReport:
    """Resolve the files that carry OpenReview ids with the ids hidden; score against the ids.

    For each N in `simulate`, also apply the N corrections a careful user would make and score again.
    """
    started = time.perf_counter()
    run = resolve_hidden_ids(paths)
    gold, names, predicted = run.gold, run.names, run.predicted
    ambiguous = ambiguous_subset(names, gold)
    keys = [mention_key(ref.record.paper_id, ref.author.order) for ref in run.refs]
    truth = {i: person for i, person in zip(run.gold_idx, gold, strict=True)}
    runs = tuple(simulated_user.simulate(run.mentions, keys, truth, run.labels, n) for n in simulate)
    return IdentityReport(
        files=run.files, mentions=len(run.mentions), gold_mentions=len(gold), gold_people=len(set(gold)),
        ambiguous_mentions=len(ambiguous),
        baseline_all=bcubed(names, gold), baseline_ambiguous=bcubed(names, gold, ambiguous),
        resolved_all=bcubed(predicted, gold), resolved_ambiguous=bcubed(predicted, gold, ambiguous),
        seconds=time.perf_counter() - started, simulated=runs,
    )
