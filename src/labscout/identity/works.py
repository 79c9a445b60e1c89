"""One work across sources, and OpenAlex's author clusters checked before their ORCIDs are trusted.

Run over all records of a build before people are resolved:

1. The same OpenAlex work read twice (a snapshot keeps a record in its newest partition, a download may
   repeat one) is kept once: the most recently updated record.
2. An OpenAlex work that is a paper the paper lists already hold (same title, year within one, authors
   in common) is not a second paper: it is folded into that paper, whose author slots gain OpenAlex's ids
   (OpenAlex author id, ORCID), institutions and, where the list gave none, the affiliation, and whose
   record gains the citations and abstract it lacked. A preprint folds into its published version alike.
   The paper keeps every source record it was read from, so each fact can say which source says so.
3. An OpenAlex author cluster is evidence, not truth: its users report merged profiles of common names.
   A cluster that shows it holds several people (one author id twice on one work; more works in one year
   than one person writes) keeps its ORCID unused on every work, with the reason recorded, so the ORCID
   joins nothing it should not.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from labscout.identity.names import compatible, normalise_name, split_name
from labscout.sources.records import AuthorMention, PaperRecord, RecordIssue, SkippedRecord

OPENALEX = "openalex"
# More works in one year than the most prolific people publish (the top of the paper lists is about 60 a
# year, all venues together): a cluster above it is several people under one id.
MAX_WORKS_PER_YEAR = 120
_TITLE = re.compile(r"[^a-z0-9]+")


@dataclass(slots=True)
class Reconciled:
    """What reconciling the sources did, for the build summary."""

    records: list[PaperRecord]
    folded: int = 0       # OpenAlex works folded into a paper already held
    repeated: int = 0     # the same OpenAlex work read again, older copy left out
    vetted_clusters: int = 0  # OpenAlex author clusters whose ORCID was left unused


def reconcile(records: Sequence[PaperRecord], skipped: list[SkippedRecord] | None = None) -> Reconciled:
    """The records with each work once and OpenAlex's clusters vetted (see the module docstring)."""
    unique, repeated = _newest_copies(records, skipped)
    # Vetted before folding: an ORCID left unused is not carried into the paper lists' slots either.
    vetted = _vet_clusters([r for r in unique if _is_openalex(r)])
    kept, folded = _fold_same_works(unique)
    return Reconciled(kept, folded, repeated, vetted)


def _is_openalex(record: PaperRecord) -> bool:
    return bool(record.sources) and record.sources[0].adapter == OPENALEX


def _newest_copies(records: Sequence[PaperRecord], skipped: list[SkippedRecord] | None,
                   ) -> tuple[list[PaperRecord], int]:
    best: dict[str, int] = {}
    for i, record in enumerate(records):
        if not _is_openalex(record) or record.source_id is None:
            continue
        seen = best.get(record.source_id)
        # The later `updated_date` wins; on a tie the copy read later (files are read in a fixed order).
        if seen is None or (record.sources[0].updated or "") >= (records[seen].sources[0].updated or ""):
            best[record.source_id] = i
    out, repeated = [], 0
    for i, record in enumerate(records):
        if _is_openalex(record) and record.source_id is not None and best[record.source_id] != i:
            repeated += 1
            if skipped is not None:
                newer = records[best[record.source_id]]
                skipped.append(SkippedRecord(record.source_file, record.record_index,
                                             f"work {record.source_id} again: the copy in {newer.source_file} "
                                             f"(line {newer.record_index}) is newer and kept"))
            continue
        out.append(record)
    return out, repeated


def title_key(title: str) -> str:
    """A title as compared across sources: letters and digits only, lower case."""
    return _TITLE.sub(" ", title.casefold()).strip()


def _surnames(record: PaperRecord) -> set[str]:
    return {split_name(normalise_name(a.name)).last for a in record.authors}


def _preprint_last(record: PaperRecord) -> tuple[int, int]:
    # Records that others fold into come first: the paper lists' own, then published works, then preprints.
    kind = record.sources[0].work_type if record.sources else None
    return (1 if _is_openalex(record) else 0, 1 if kind in ("preprint", "posted-content") else 0)


def _fold_same_works(records: list[PaperRecord]) -> tuple[list[PaperRecord], int]:
    groups: dict[str, list[int]] = defaultdict(list)
    for i, record in enumerate(records):
        key = title_key(record.title)
        if len(key) >= 12:  # "Introduction" or "Discussion" is no evidence of one work
            groups[key].append(i)
    gone: set[int] = set()
    for members in groups.values():
        if len(members) < 2 or not any(_is_openalex(records[i]) for i in members):
            continue
        targets: list[int] = []
        for i in sorted(members, key=lambda k: (*_preprint_last(records[k]), k)):
            record = records[i]
            home = next((t for t in targets if _is_openalex(record) and _same_work(records[t], record)), None)
            if home is None:
                targets.append(i)
            else:
                _fold(records[home], record)
                gone.add(i)
    return [r for i, r in enumerate(records) if i not in gone], len(gone)


def _same_work(held: PaperRecord, other: PaperRecord) -> bool:
    if abs(held.year - other.year) > 1:
        return False
    a, b = _surnames(held), _surnames(other)
    # Most authors in common: two different papers may share a title, hardly an author list too.
    return bool(a and b) and len(a & b) * 2 >= min(len(a), len(b)) + 1


def _fold(held: PaperRecord, work: PaperRecord) -> None:
    held.sources.extend(work.sources)
    if held.citations is None:
        held.citations = work.citations
    elif _is_openalex(held) and work.citations is not None:
        # A preprint and its published version: OpenAlex counts their citations apart.
        held.citations = max(held.citations, work.citations)
    held.abstract = held.abstract or work.abstract
    if not held.keywords:
        held.keywords = list(work.keywords)
    held.primary_area = held.primary_area or work.primary_area
    for mine, theirs in _pair_authors(held.authors, work.authors):
        _fold_author(held, mine, theirs)


def _pair_authors(held: list[AuthorMention], other: list[AuthorMention],
                  ) -> list[tuple[AuthorMention, AuthorMention]]:
    """Author slots of two records of one work: by position where the names agree, then by name."""
    pairs: list[tuple[AuthorMention, AuthorMention]] = []
    free = list(held)
    rest = []
    for k, theirs in enumerate(other):
        mine = held[k] if k < len(held) else None
        if mine is not None and mine in free and compatible(normalise_name(mine.name), normalise_name(theirs.name)):
            pairs.append((mine, theirs))
            free.remove(mine)
        else:
            rest.append(theirs)
    for theirs in rest:
        key = normalise_name(theirs.name)
        fits = [m for m in free if compatible(normalise_name(m.name), key)]
        if len(fits) == 1:
            pairs.append((fits[0], theirs))
            free.remove(fits[0])
    return pairs


def _fold_author(record: PaperRecord, mine: AuthorMention, theirs: AuthorMention) -> None:
    namespaces = {i.partition(":")[0]: i for i in mine.ids}
    for author_id in theirs.ids:
        ns = author_id.partition(":")[0]
        if ns in namespaces and namespaces[ns] != author_id:
            # Two ids of one namespace on one slot: the list's own stands, OpenAlex's is noted and left out.
            record.issues.append(RecordIssue("authorships", "OpenAlex gives another id than the list",
                                             f"{author_id} from OpenAlex, {namespaces[ns]} in the list: "
                                             "OpenAlex's not used", mine.order))
        elif author_id not in mine.ids:
            mine.ids.append(author_id)
    for kind, url in theirs.links.items():
        mine.links.setdefault(kind, url)
    mine.institutions.extend(theirs.institutions)
    if mine.affiliation is None and theirs.affiliation:
        mine.affiliation = theirs.affiliation
        mine.affiliation_source = theirs.affiliation_source


def _vet_clusters(records: list[PaperRecord]) -> int:
    slots: dict[str, list[tuple[PaperRecord, AuthorMention]]] = defaultdict(list)
    for record in records:
        for author in record.authors:
            cluster = author.id_in(OPENALEX)
            if cluster is not None and author.id_in("orcid") is not None:
                slots[cluster].append((record, author))
    vetted = 0
    for cluster, held in slots.items():
        why = _merged(held)
        if why is None:
            continue
        vetted += 1
        for record, author in held:
            orcid = f"orcid:{author.id_in('orcid')}"
            author.ids.remove(orcid)
            author.links.pop("orcid", None)
            record.issues.append(RecordIssue("authorships", "OpenAlex author cluster holds several people",
                                             f"openalex:{cluster} {why}: its {orcid} not used", author.order))
    return vetted


def _merged(held: list[tuple[PaperRecord, AuthorMention]]) -> str | None:
    per_work = Counter(record.paper_id for record, _ in held)
    twice = next((paper for paper, n in per_work.items() if n > 1), None)
    if twice is not None:
        return f"is two authors of one work ({twice})"
    per_year = Counter(record.year for record, _ in held)
    year, most = max(per_year.items(), key=lambda kv: (kv[1], kv[0]))
    if most > MAX_WORKS_PER_YEAR:
        return f"has {most} works in {year}, more than one person writes"
    return None
