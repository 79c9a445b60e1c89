"""What users watch: their saved searches and watched people, the team's rival and own organisations, and
each user's choice of the daily digest. Alerts about them are raised in `alerts` after each build.

A saved search or a watch starts from what the store shows when it is made: only what is new after that
alerts. Everyone may watch (viewers too: discovery is theirs); marking organisations is the team's.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from labscout.errors import ConflictError, InvalidError, NotFoundError
from labscout.identity.orgs import OrgResolver
from labscout.pipeline import alerts, audit, limits
from labscout.pipeline.db import flush
from labscout.pipeline.roles import Actor, Perm, require
from labscout.pipeline.watch_models import AlertPreference, MarkedOrganisation, SavedSearch, WatchedPerson
from labscout.research import mentions, queries
from labscout.research.store import ResearchStore
from labscout.talent import search
from labscout.talent.index import TalentIndex

RELATIONS = ("rival", "ours")
KEPT_MENTIONS = 400


@dataclass(frozen=True, slots=True)
class SavedSearchOut:
    id: int
    name: str
    query: str
    filters: dict[str, Any]
    top: list[str]
    top_names: dict[str, Any]
    created_at: datetime
    checked_at: datetime | None


@dataclass(frozen=True, slots=True)
class WatchedOut:
    id: int
    person_id: str
    name: str
    note: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class MarkedOrgOut:
    org_id: str
    name: str
    relation: str
    marked_by: int | None
    marked_at: datetime


def _signed_in(actor: Actor) -> int:
    if actor.user_id is None:
        raise InvalidError("a watch belongs to a user: act as one", field="user")
    return actor.user_id


def _search_out(s: SavedSearch) -> SavedSearchOut:
    return SavedSearchOut(s.id, s.name, s.query, dict(s.filters or {}), list(s.top or []), dict(s.top_names or {}),
                          s.created_at, s.checked_at)


def save_search(session: Session, actor: Actor, store: ResearchStore, ti: TalentIndex, *, name: str, query: str,
                filters: search.SearchFilters | None = None) -> SavedSearchOut:
    """Keep an expert search under `name`; its top people now are the start, later entrants alert."""
    user_id = _signed_in(actor)
    name, query = name.strip(), query.strip()
    if not name:
        raise InvalidError("give the saved search a name", field="name")
    if len(name) > 120 or len(query) > 300:
        raise InvalidError("a name of at most 120 characters and a query of at most 300", field="name")
    chosen = filters or search.SearchFilters()
    hits = search.find_experts(store, ti, query, top=alerts.TOP, filters=chosen)  # checks query and filters
    if session.scalar(select(SavedSearch).where(SavedSearch.user_id == user_id, SavedSearch.name == name)):
        raise ConflictError(f"you already keep a search called {name!r}", field="name")
    row = SavedSearch(user_id=user_id, name=name, query=query,
                      filters={k: v for k, v in asdict(chosen).items() if v is not None},
                      top=[h.person_id for h in hits], top_names={h.person_id: h.name for h in hits})
    session.add(row)
    flush(session)
    audit.record(session, actor, "save", "saved_search", row.id, None, audit.snapshot(row))
    return _search_out(row)


def list_saved_searches(session: Session, actor: Actor) -> list[SavedSearchOut]:
    """The actor's own saved searches, by name."""
    user_id = _signed_in(actor)
    return [_search_out(s) for s in session.scalars(select(SavedSearch).where(SavedSearch.user_id == user_id)
                                                    .order_by(SavedSearch.name))]


def delete_saved_search(session: Session, actor: Actor, search_id: int) -> None:
    row = session.get(SavedSearch, search_id) if limits.valid_id(search_id) else None
    if row is None or row.user_id != _signed_in(actor):
        raise NotFoundError(f"you keep no saved search {search_id}", field="search")
    audit.record(session, actor, "delete", "saved_search", row.id, audit.snapshot(row), None)
    session.delete(row)
    flush(session)


def watch_person(session: Session, actor: Actor, store: ResearchStore, ref: str, *,
                 note: str | None = None) -> WatchedOut:
    """Watch the person `ref` names (id, OpenReview id or name); what the store shows now is the start."""
    user_id = _signed_in(actor)
    person_id = queries.resolve_person(store, ref)
    if session.scalar(select(WatchedPerson).where(WatchedPerson.user_id == user_id,
                                                  WatchedPerson.person_id == person_id)):
        raise ConflictError("you already watch this person", field="person")
    match = queries.person_match(store, person_id)
    keys = mentions.mention_keys(store, [person_id], limit=KEPT_MENTIONS).get(person_id, [])
    row = WatchedPerson(user_id=user_id, person_id=person_id, name=match.name,
                        note=(note or "").strip()[:2000] or None, mention_keys=keys)
    session.add(row)
    flush(session)
    alerts.start_watch(session, store, row)
    audit.record(session, actor, "watch", "watched_person", row.id, None, audit.snapshot(row, leave_out=(
        "mention_keys",)))
    return WatchedOut(row.id, row.person_id, row.name, row.note, row.created_at)


def list_watched(session: Session, actor: Actor) -> list[WatchedOut]:
    """The people the actor watches, newest watch first."""
    user_id = _signed_in(actor)
    rows = session.scalars(select(WatchedPerson).where(WatchedPerson.user_id == user_id)
                           .order_by(WatchedPerson.created_at.desc(), WatchedPerson.id.desc()))
    return [WatchedOut(w.id, w.person_id, w.name, w.note, w.created_at) for w in rows]


def unwatch_person(session: Session, actor: Actor, *, watch_id: int | None = None,
                   person_id: str | None = None) -> None:
    """Stop watching (by the watch's id or the person's id)."""
    user_id = _signed_in(actor)
    query = select(WatchedPerson).where(WatchedPerson.user_id == user_id)
    if watch_id is not None:
        query = query.where(WatchedPerson.id == watch_id)
    elif person_id is not None:
        query = query.where(WatchedPerson.person_id == person_id)
    else:
        raise InvalidError("say whom to stop watching", field="person")
    row = session.scalar(query)
    if row is None:
        raise NotFoundError("you do not watch this person", field="person")
    alerts.forget(session, f"person:{row.id}")
    audit.record(session, actor, "unwatch", "watched_person", row.id,
                 audit.snapshot(row, leave_out=("mention_keys",)), None)
    session.delete(row)
    flush(session)


def watched_ids(session: Session, actor: Actor) -> set[str]:
    """Person ids the actor watches (for a page's watch buttons)."""
    if actor.user_id is None:
        return set()
    return set(session.scalars(select(WatchedPerson.person_id).where(WatchedPerson.user_id == actor.user_id)))


def mark_organisation(session: Session, actor: Actor, store: ResearchStore, ref: str, relation: str,
                      ) -> MarkedOrgOut:
    """Mark an organisation (and everything under it) as a rival or as ours, for the whole team."""
    require(actor, Perm.EDIT_CANDIDATES)
    if relation not in RELATIONS:
        raise InvalidError(f"an organisation is marked rival or ours, not {relation!r}", field="relation")
    org_id, name = _org(store, ref)
    row = session.get(MarkedOrganisation, org_id)
    before = audit.snapshot(row) if row is not None else None
    if row is None:
        row = MarkedOrganisation(org_id=org_id, name=name, relation=relation, marked_by=actor.user_id)
        session.add(row)
    else:
        row.relation, row.marked_by = relation, actor.user_id
    flush(session)
    if relation == "ours":
        alerts.start_ours(session, store, org_id)
    audit.record(session, actor, "mark", "organisation", org_id, before, audit.snapshot(row))
    return MarkedOrgOut(row.org_id, row.name, row.relation, row.marked_by, row.marked_at)


def _org(store: ResearchStore, ref: str) -> tuple[str, str]:
    """An organisation of the store, or a curated one no paper names yet (a rival the team expects)."""
    try:
        org_id = queries.resolve_org(store, ref)
    except NotFoundError:
        found = OrgResolver().resolve(ref)
        if found is None or not found.org.curated:
            raise
        return found.org.org_id, found.org.name
    return org_id, queries.get_org(store, org_id).name


def unmark_organisation(session: Session, actor: Actor, org_id: str) -> None:
    require(actor, Perm.EDIT_CANDIDATES)
    row = session.get(MarkedOrganisation, org_id)
    if row is None:
        raise NotFoundError(f"{org_id} is not marked", field="org")
    audit.record(session, actor, "unmark", "organisation", org_id, audit.snapshot(row), None)
    alerts.forget(session, f"ours:{org_id}")
    session.delete(row)
    flush(session)


def list_marked(session: Session, actor: Actor) -> list[MarkedOrgOut]:
    """The organisations the team marks, rivals first."""
    rows = session.scalars(select(MarkedOrganisation).order_by(MarkedOrganisation.relation.desc(),
                                                               MarkedOrganisation.name))
    return [MarkedOrgOut(r.org_id, r.name, r.relation, r.marked_by, r.marked_at) for r in rows]


def set_daily_digest(session: Session, actor: Actor, enabled: bool) -> bool:
    """Opt in to (or out of) the daily e-mail of one's new alerts; returns the choice now."""
    user_id = _signed_in(actor)
    row = session.get(AlertPreference, user_id)
    if row is None:
        row = AlertPreference(user_id=user_id, daily_digest=enabled)
        session.add(row)
    before = {"daily_digest": row.daily_digest}
    row.daily_digest = enabled
    flush(session)
    audit.record(session, actor, "digest", "user", user_id, before, {"daily_digest": enabled})
    return enabled


def daily_digest(session: Session, actor: Actor) -> bool:
    """Whether the actor gets the daily digest."""
    row = session.get(AlertPreference, actor.user_id) if actor.user_id is not None else None
    return bool(row and row.daily_digest)

