"""Build the research store: read the sources, resolve organisations and people, write a new DuckDB file.

The store is derived data. A build writes a fresh file beside the target and renames it over the old one
only when everything succeeded, so a failed or interrupted build leaves the previous store untouched.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import duckdb

from labscout.errors import BadInputError
from labscout.identity import orgs as org_resolution
from labscout.identity.cluster import resolve_people
from labscout.identity.constraints import Corrections, StaleCorrection, compile_person_constraints, mention_key
from labscout.identity.mentions import build_mentions
from labscout.identity.works import reconcile
from labscout.kit.bulk import cyclic_gc_paused
from labscout.research import person_ids, tables
from labscout.research.store import SCHEMA_VERSION, writer_config
from labscout.sources import registry
from labscout.sources.records import PaperRecord, SkippedRecord, SourceRecord

Progress = Callable[[str, int, int], None]
"""Called as (what is being done, steps done, steps in all)."""


@dataclass(frozen=True, slots=True)
class FileSummary:
    file: str
    adapter: str
    venue: str
    year: int
    records: int
    skipped: int


@dataclass(slots=True)
class BuildSummary:
    """What a build read, made and left out."""

    store: Path
    files: list[FileSummary] = field(default_factory=list)
    papers: int = 0
    people: int = 0
    organisations: int = 0
    authorships: int = 0
    skipped: list[SkippedRecord] = field(default_factory=list)
    corrections: int = 0
    stale_corrections: list[StaleCorrection] = field(default_factory=list)
    # Records kept with a recorded conflict (ids that do not line up, ...), counted by kind.
    record_issues: dict[str, int] = field(default_factory=dict)
    # Mentions whose id was left unused because their name contradicts the id's owner.
    id_conflicts: int = 0
    # OpenAlex works that were papers already held (folded into them), read twice (the older copy left out),
    # and author clusters that hold several people (their ORCID left unused): `identity.works`.
    works_folded: int = 0
    works_repeated: int = 0
    clusters_vetted: int = 0
    seconds: float = 0.0

    @property
    def skipped_by_reason(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for item in self.skipped:
            key = item.reason if item.record is not None else f"whole file: {item.reason}"
            counts[key] = counts.get(key, 0) + 1
        return dict(sorted(counts.items(), key=lambda kv: -kv[1]))


def build_store(paths: Sequence[Path], dest: Path, *, adapter: str | None = None, skip_bad: bool = False,
                progress: Progress | None = None, corrections: Corrections | None = None) -> BuildSummary:
    """Read every source file under `paths` and atomically replace the store at `dest`.

    Each file is read by the adapter its content calls for (paper lists and OpenAlex works in one build),
    or by `adapter` for all of them when it is given.

    `corrections` (people's merges, splits and organisation fixes) bind before any automatic rule; person
    ids of the store being replaced are kept for the people whose mentions stay.
    """
    with cyclic_gc_paused():
        return _build_store(paths, dest, adapter=adapter, skip_bad=skip_bad, progress=progress,
                            corrections=corrections)


def _build_store(paths: Sequence[Path], dest: Path, *, adapter: str | None, skip_bad: bool,
                 progress: Progress | None, corrections: Corrections | None) -> BuildSummary:
    started = time.perf_counter()
    corrections = corrections or Corrections()
    forced = registry.get_adapter(adapter) if adapter else None
    files = registry.discover_files(paths)
    summary = BuildSummary(store=dest, corrections=len(corrections))
    reconciled = reconcile(_read_sources(forced, files, skip_bad, summary, progress), summary.skipped)
    records = reconciled.records
    summary.works_folded, summary.works_repeated = reconciled.folded, reconciled.repeated
    summary.clusters_vetted = reconciled.vetted_clusters
    _step(progress, "resolving organisations", 0, 3)
    resolver = org_resolution.OrgResolver()
    resolver.apply_corrections(corrections.org_aliases, corrections.org_settings)
    lookup = tables.OrgLookup(resolver)
    tables.know_institutions(lookup, records)
    mentions, refs = build_mentions(records, lookup.org_id,
                                    usable_domain=lambda d: not org_resolution.is_generic_domain(d))
    summary.stale_corrections.extend(_unused_aliases(corrections, lookup))
    _step(progress, "resolving people", 1, 3)
    keys = (mention_key(ref.record.paper_id, ref.author.order) for ref in refs)
    constraints = compile_person_constraints(corrections.people, keys)
    summary.stale_corrections.extend(constraints.stale)
    resolution = resolve_people(mentions, constraints=constraints)
    summary.id_conflicts = sum(1 for c in resolution.conflicts if c)
    summary.record_issues = _issues_by_kind(records)
    del mentions  # half a million objects not needed past this point: peak memory is the budget
    _step(progress, "writing the store", 2, 3)
    built = tables.assemble(records, refs, resolution, lookup, person_ids.previous_person_ids(dest))
    built.build_info = {
        "schema_version": str(SCHEMA_VERSION),
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        # Unique per build: `built_at` has one-second steps, and two builds within a second (a rebuild right
        # after an ingest, in a refresh or a test) must not share the search index cached for the first.
        "build_id": uuid.uuid4().hex,
        "sources": os.pathsep.join(str(p) for p in paths),
        "adapter": adapter or ",".join(sorted({f.adapter for f in summary.files})),
        "corrections": str(len(corrections)),
    }
    built.source_files = [
        (f.file, f.adapter, f.venue, f.year, f.records, f.skipped) for f in summary.files
    ]
    built.skipped = [(s.file, s.record, s.reason) for s in summary.skipped]
    summary.people = _write_atomically(dest, built)
    _step(progress, "done", 3, 3)
    summary.papers = len(built.papers)
    summary.organisations = len(built.organisations)
    summary.authorships = len(built.authorships)
    summary.seconds = time.perf_counter() - started
    return summary


def _unused_aliases(corrections: Corrections, lookup: tables.OrgLookup) -> list[StaleCorrection]:
    used = {org_resolution.normalise_org_name(raw) for (raw, _domain), m in lookup.matches.items()
            if raw and m is not None and m.method == "correction"}
    return [StaleCorrection(a.correction_id, f"no affiliation in the sources reads {a.raw!r} any more")
            for a in corrections.org_aliases if org_resolution.normalise_org_name(a.raw) not in used]


def _issues_by_kind(records: Sequence[PaperRecord]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for record in records:
        for issue in record.issues:
            counts[issue.kind] = counts.get(issue.kind, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _step(progress: Progress | None, what: str, done: int, total: int) -> None:
    if progress is not None:
        progress(what, done, total)


def _read_sources(forced: registry.Adapter | None, files: list[Path], skip_bad: bool, summary: BuildSummary,
                  progress: Progress | None) -> list[PaperRecord]:
    records: list[PaperRecord] = []
    seen_ids: set[str] = set()
    for done, path in enumerate(files):
        _step(progress, f"reading {path.name}", done, len(files))
        skipped: list[SkippedRecord] = []
        try:
            source = forced or registry.detect(path)
            file_records = list(source.iter_records(path, skip_bad=skip_bad, skipped=skipped))
        except BadInputError as exc:
            if not skip_bad:
                raise
            summary.skipped.append(SkippedRecord(file=str(path), record=None, reason=exc.reason))
            continue
        for record in file_records:
            # A list can carry the same entry twice; the second keeps its own identity via its index. (An
            # OpenAlex work read twice is one work: `reconcile` keeps its newest copy.)
            if record.paper_id in seen_ids and source.NAME != "openalex":
                record.paper_id = f"{record.paper_id}-{record.record_index}"
            seen_ids.add(record.paper_id)
            if not record.sources:
                record.sources.append(SourceRecord(source.NAME, record.source_file, record.record_index,
                                                   record.source_id, citations=record.citations))
        records.extend(file_records)
        summary.skipped.extend(skipped)
        one_venue = source.NAME == "paperlists" and file_records
        venue, year = (file_records[0].venue, file_records[0].year) if one_venue else ("", 0)
        summary.files.append(FileSummary(str(path), source.NAME, venue, year, len(file_records), len(skipped)))
    _step(progress, "read all files", len(files), len(files))
    return records


def derive_sql(authorships: str, person_years: str) -> str:
    """The SQL deriving people, their names and career years from the given authorships and years tables."""
    text = resources.files("labscout.research").joinpath("derive.sql").read_text()
    return text.format(authorships=authorships, person_years=person_years)


def _write_atomically(dest: Path, built: tables.StoreTables) -> int:
    """Write a new store beside `dest` and rename it over; returns the number of people written."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.building")
    for stale in (tmp, tmp.with_name(tmp.name + ".wal")):
        stale.unlink(missing_ok=True)
    try:
        con = duckdb.connect(str(tmp), config=writer_config())
        try:
            con.execute(resources.files("labscout.research").joinpath("schema.sql").read_text())
            for name, table in built.arrow_tables().items():
                con.register("incoming", table)
                con.execute(f"INSERT INTO {name} SELECT * FROM incoming")
                con.unregister("incoming")
            con.execute(derive_sql("authorships", "person_years"))
            counts = con.execute("SELECT count(*) FROM people").fetchone()
            con.execute("CHECKPOINT")
        finally:
            con.close()
        os.replace(tmp, dest)
        return int(counts[0]) if counts else 0
    except BaseException:
        tmp.unlink(missing_ok=True)
        tmp.with_name(tmp.name + ".wal").unlink(missing_ok=True)
        raise
