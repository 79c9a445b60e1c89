"""Rebuilds that raise alerts, and refreshes of the people that matter from OpenAlex.

`rebuild_and_check` is every ingest: the build (corrections first, candidates follow their people), then the
watches compare the new store with what they knew. `refresh_openalex` fetches what is new since the last
refresh for the people in the pipeline, the people users watch and the top experts of saved searches, then
rebuilds from the last build's sources plus the downloads. Commits come in an order that leaves nothing
half-done: downloads are whole files before the build reads them, the store is swapped before the alerts
about it are written, and a failed check can be run again (`check_now`).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from labscout.config import OpenAlexSettings
from labscout.errors import InvalidError, NotFoundError
from labscout.identity.names import compatible, normalise_name
from labscout.identity.orgs import OrgResolver, load_ror_ids, normalise_org_name
from labscout.pipeline import alerts, corrections
from labscout.pipeline.db import UnitOfWork, flush
from labscout.pipeline.models import Candidate, utcnow
from labscout.pipeline.watch_models import RefreshState, SavedSearch, WatchedPerson
from labscout.research import arrays, build, queries, watching
from labscout.research.store import ResearchStore, StaleStoreError
from labscout.sources import openalex
from labscout.sources.openalex_api import ClientSettings, OpenAlexClient, WorksQuery, batched, is_institution_id
from labscout.sources.openalex_download import DownloadReport, Progress, download_works
from labscout.sources.records import Institution
from labscout.talent import index

# OpenAlex indexes a work weeks after it appears: each refresh looks back this far past the last one.
OVERLAP_DAYS = 60


@dataclass(frozen=True, slots=True)
class Checked:
    rebuild: corrections.Rebuild
    alerts: alerts.CheckReport


def client_settings(settings: OpenAlexSettings) -> ClientSettings:
    return ClientSettings(base_url=settings.base_url, mailto=settings.mailto, api_key=settings.api_key)


def check_now(units: UnitOfWork, store_path: Path) -> alerts.CheckReport:
    """Compare every watch with the store as it is (after a build whose check did not run, or to try again)."""
    with units() as session, ResearchStore(store_path) as store:
        return alerts.check_after_build(session, store, lambda: index.open_index(store))


def rebuild_and_check(units: UnitOfWork, store_path: Path, paths: Sequence[Path], *, adapter: str | None = None,
                      skip_bad: bool = False, progress: build.Progress | None = None) -> Checked:
    """Build the store from `paths` with every correction, then raise the alerts the new store calls for."""
    if store_path.exists():
        # Candidates nobody has looked at yet start from the store being replaced, so the build's news alerts.
        try:
            old = ResearchStore(store_path)
        except StaleStoreError:
            # A store of another version cannot be read, but this build is what replaces it: the news then
            # starts from the new store, as on a first build.
            pass
        else:
            with units() as session, old:
                alerts.start_candidates(session, old)
    rebuilt = corrections.rebuild_research_store(units, store_path, paths, adapter=adapter, skip_bad=skip_bad,
                                                 progress=progress)
    return Checked(rebuilt, check_now(units, store_path))


# -- whom to refresh ----------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Wanted:
    """A person to refresh, why, and the OpenAlex ids to ask for."""

    person_id: str
    name: str
    why: str
    authors: tuple[str, ...] = ()
    orcids: tuple[str, ...] = ()


def people_to_refresh(session: Session, store: ResearchStore) -> list[tuple[str, str]]:
    """(person id, why) for every candidate with a research person, every watched person, and the top people
    of every saved search; each person once, the first reason kept."""
    found: dict[str, str] = {}
    for c in session.scalars(select(Candidate).where(Candidate.person_id.is_not(None), Candidate.erased_at.is_(None))):
        found.setdefault(c.person_id or "", f"candidate {c.id}")
    for w in session.scalars(select(WatchedPerson)):
        found.setdefault(w.person_id, "watched")
    for s in session.scalars(select(SavedSearch)):
        for pid in s.top or []:
            found.setdefault(pid, f"top of {s.name!r}")
    carried = watching.followed_ids(store, [p for p in found if p])
    return [(carried[p], why) for p, why in found.items() if p in carried]


def openalex_ids(person: watching.PersonIds) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The OpenAlex author ids and ORCID iDs the store already holds for a person."""
    authors = tuple(i.partition(":")[2] for i in person.author_ids if i.startswith("openalex:"))
    orcids = tuple(i.partition(":")[2] for i in person.author_ids if i.startswith("orcid:"))
    return authors, orcids


def match_authors(person: watching.PersonIds, candidates: list[dict[str, Any]],
                  resolver: OrgResolver | None = None) -> list[str]:
    """The OpenAlex author clusters that can be this person: a name that can be theirs and an organisation they
    were at (OpenAlex's clusters are candidates to check, not answers)."""
    resolver = resolver or OrgResolver()
    names = [normalise_name(n) for n in person.name_variants or [person.name]]
    ours = set(person.org_ids)
    chosen = []
    for author in candidates:
        spelled = [author.get("display_name"), *list(author.get("display_name_alternatives") or [])]
        if not any(isinstance(s, str) and any(compatible(normalise_name(s), n) for n in names) for s in spelled):
            continue
        places = []
        for aff in author.get("affiliations") or []:
            inst = aff.get("institution") if isinstance(aff, dict) else None
            if isinstance(inst, dict) and isinstance(inst.get("display_name"), str):
                places.append(Institution(inst["display_name"], openalex.short_id(str(inst.get("id") or "")),
                                          openalex.short_id(str(inst.get("ror") or "")).lower() or None))
        orgs = {o for inst in places if (m := resolver.resolve_institution(inst)) is not None
                for o in (m.org.org_id, m.org.parent_id) if o}
        if orgs & ours:
            chosen.append(openalex.short_id(str(author.get("id") or "")))
    return [a for a in chosen if a][:3]


def wanted_people(client: OpenAlexClient, store: ResearchStore, reasons: Sequence[tuple[str, str]],
                  ) -> tuple[list[Wanted], list[str]]:
    """Each person with the OpenAlex ids to ask for; people OpenAlex cannot be matched for are listed apart."""
    people = {p.person_id: p for p in watching.person_ids(store, [pid for pid, _ in reasons])}
    found, unmatched = [], []
    resolver = OrgResolver()
    for pid, why in reasons:
        person = people.get(pid)
        if person is None:
            continue
        authors, orcids = openalex_ids(person)
        if not authors and not orcids:
            authors = tuple(match_authors(person, client.find_authors(person.name), resolver))
        if authors or orcids:
            found.append(Wanted(pid, person.name, why, authors, orcids))
        else:
            unmatched.append(f"{person.name} ({pid}): no OpenAlex author with a name and an organisation of theirs")
    return found, unmatched


# -- fetching -------------------------------------------------------------------------------------------------

def fetch_person(client: OpenAlexClient, store: ResearchStore, ref: str, dest: Path, *, since: str | None = None,
                 progress: Progress | None = None) -> DownloadReport:
    """Every work of one of our people (id, OpenReview id or name) into `dest`."""
    person_id = queries.resolve_person(store, ref)
    wanted, unmatched = wanted_people(client, store, [(person_id, "asked")])
    if not wanted:
        raise NotFoundError(unmatched[0] if unmatched else f"no person {ref}", field="person")
    w = wanted[0]
    query = WorksQuery(authors=w.authors, since=since) if w.authors else WorksQuery(orcids=w.orcids, since=since)
    return download_works(client, query, dest, progress=progress)


def institution_ids(client: OpenAlexClient, store: ResearchStore | None, refs: Sequence[str]) -> tuple[str, ...]:
    """ROR or OpenAlex institution ids for `refs`: an id as given; one of our organisations (id, name, alias or
    domain) by the ROR ids LabScout knows for it or OpenAlex gave for it; otherwise the institution OpenAlex
    finds by that name (the organisation's own name when it is ours), when its name is the one asked for."""
    resolver = OrgResolver()
    ror_of: dict[str, list[str]] = {}
    for ror, known in load_ror_ids().items():
        ror_of.setdefault(known, []).append(ror)
    found: list[str] = []
    for ref in (r.strip() for r in refs):
        if is_institution_id(ref):
            found.append(ref)
            continue
        ours: list[str] = []
        name = ref
        in_store: str | None = None
        if store is not None:
            with contextlib.suppress(NotFoundError):  # not in the store: maybe curated, maybe OpenAlex's only
                in_store = queries.resolve_org(store, ref, field="institution")
        if store is not None and in_store is not None:
            ours = sorted(ror_of.get(in_store, [])) or watching.openalex_institutions(store, in_store)[:5]
            name = queries.get_org(store, in_store).name
        else:
            curated = resolver.resolve(ref)  # an organisation LabScout knows that the store has not met
            if curated is not None and curated.org.curated:
                ours, name = sorted(ror_of.get(curated.org.org_id, [])), curated.org.name
        if not ours:
            wanted = {normalise_org_name(ref), normalise_org_name(name)}
            ours = [openalex.short_id(str(i.get("id") or "")) for i in client.find_institutions(name)
                    if wanted & {normalise_org_name(str(n)) for n in
                                 [i.get("display_name"), *list(i.get("display_name_alternatives") or [])] if n}][:1]
        if not ours:
            raise NotFoundError(f"no institution called {ref!r} in LabScout or OpenAlex; give its ROR id",
                                field="institution")
        found.extend(ours)
    return tuple(dict.fromkeys(found))


@dataclass(slots=True)
class RefreshReport:
    people: int = 0
    queries: int = 0
    works: int = 0
    files: list[Path] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    checked: Checked | None = None


def refresh_openalex(units: UnitOfWork, store_path: Path, client: OpenAlexClient, dest: Path, *,
                     ingest: bool = True, overlap_days: int = OVERLAP_DAYS, progress: Progress | None = None,
                     build_progress: build.Progress | None = None) -> RefreshReport:
    """Fetch what is new since the last refresh for the people that matter, then rebuild and alert."""
    if overlap_days < 0:
        raise InvalidError("the look-back is a number of days, 0 or more", field="overlap_days")
    report = RefreshReport()
    with units() as session, ResearchStore(store_path) as store:
        wanted, report.unmatched = wanted_people(client, store, people_to_refresh(session, store))
        sources = [Path(p) for p in arrays.build_info(store).get("sources", "").split(os.pathsep) if p]
        states = {s.subject: s for s in session.scalars(select(RefreshState))}
    report.people = len(wanted)
    groups: dict[tuple[str, str | None], list[str]] = {}
    for w in wanted:
        for kind, values in (("openalex", w.authors), ("orcid", w.orcids)):
            for value in values:
                state = states.get(f"{kind}:{value}")
                since = (state.refreshed_at - timedelta(days=overlap_days)).date().isoformat() if state else None
                groups.setdefault((kind, since), []).append(value)
    started = utcnow()
    for (kind, since), ids in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
        for batch in batched(sorted(set(ids))):
            query = WorksQuery(authors=batch, since=since) if kind == "openalex" else WorksQuery(orcids=batch,
                                                                                                 since=since)
            done = download_works(client, query, dest, progress=progress)
            report.queries += 1
            report.works += done.works
            report.files.append(done.file)
            with units() as session:
                for value in batch:
                    _mark(session, f"{kind}:{value}", since, started)
    if ingest and report.queries:
        paths = sources + ([dest] if dest.resolve() not in {p.resolve() for p in sources} else [])
        report.checked = rebuild_and_check(units, store_path, paths, progress=build_progress)
    return report


def _mark(session: Session, subject: str, since: str | None, when: datetime) -> None:
    row = session.get(RefreshState, subject)
    if row is None:
        session.add(RefreshState(subject=subject, refreshed_at=when, since=since))
    else:
        row.refreshed_at, row.since = when, since
    flush(session)
