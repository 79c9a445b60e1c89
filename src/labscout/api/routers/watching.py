"""Watching over HTTP: a user's alerts, watched people and saved searches; the team's marked organisations;
the daily digest choice. Each user sees and changes their own lists only (the services check it)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from labscout.api.deps import Found, SignedIn, Unit
from labscout.pipeline import alerts, watch
from labscout.talent import search

router = APIRouter(tags=["watching"])
Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]


class WatchCreate(BaseModel):
    person: str = Field(min_length=1, max_length=200, description="a person's id, OpenReview id or name")
    note: str | None = Field(default=None, max_length=2000)


class SavedSearchCreate(BaseModel):
    name: str = Field(min_length=1, max_length=120)
    query: str = Field(min_length=1, max_length=300)
    org: str | None = Field(default=None, max_length=200)
    org_kind: str | None = Field(default=None, max_length=40)
    country: str | None = Field(default=None, max_length=2)
    since: int | None = Field(default=None, ge=1900, le=2100)
    seniority: str | None = Field(default=None, max_length=10)
    exclude_org: str | None = Field(default=None, max_length=200)


class Mark(BaseModel):
    relation: str = Field(pattern="^(rival|ours)$")


class Digest(BaseModel):
    daily_digest: bool


@router.get("/alerts", summary="Your alerts, unread first then newest")
def list_alerts(unit: Unit, who: SignedIn, limit: Limit = 50, offset: Offset = 0, unread: bool = False,
                mark_seen: bool = False) -> list[alerts.AlertOut]:
    return alerts.inbox(unit, who, limit=limit, offset=offset, unread_only=unread, mark_seen=mark_seen)


@router.get("/alerts/unread", summary="How many of your alerts are unread")
def unread_alerts(unit: Unit, who: SignedIn) -> dict[str, int]:
    return {"unread": alerts.unread_alerts(unit, who)}


@router.put("/alerts/digest", summary="Turn your daily e-mail digest on or off")
def set_digest(unit: Unit, who: SignedIn, body: Digest) -> dict[str, bool]:
    return {"daily_digest": watch.set_daily_digest(unit, who, body.daily_digest)}


@router.get("/watched", summary="The people you watch")
def list_watched(unit: Unit, who: SignedIn) -> list[watch.WatchedOut]:
    return watch.list_watched(unit, who)


@router.post("/watched", status_code=201, summary="Watch a person")
def add_watch(found: Found, unit: Unit, who: SignedIn, body: WatchCreate) -> watch.WatchedOut:
    return watch.watch_person(unit, who, found.store, body.person, note=body.note)


@router.delete("/watched/{person_id}", status_code=204, summary="Stop watching a person")
def remove_watch(unit: Unit, who: SignedIn, person_id: str) -> None:
    watch.unwatch_person(unit, who, person_id=person_id)


@router.get("/saved-searches", summary="Your saved searches")
def list_searches(unit: Unit, who: SignedIn) -> list[watch.SavedSearchOut]:
    return watch.list_saved_searches(unit, who)


@router.post("/saved-searches", status_code=201, summary="Save an expert search (its top 20 now is the start)")
def save_search(found: Found, unit: Unit, who: SignedIn, body: SavedSearchCreate) -> watch.SavedSearchOut:
    filters = search.SearchFilters(org=body.org, org_kind=body.org_kind, country=body.country, since=body.since,
                                   seniority=body.seniority, exclude_org=body.exclude_org)
    return watch.save_search(unit, who, found.store, found.talent, name=body.name, query=body.query,
                             filters=filters)


@router.delete("/saved-searches/{search_id}", status_code=204, summary="Delete one of your saved searches")
def delete_search(unit: Unit, who: SignedIn, search_id: int) -> None:
    watch.delete_saved_search(unit, who, search_id)


@router.get("/marked-orgs", summary="Organisations the team marks as rivals or as its own")
def list_marked(unit: Unit, who: SignedIn) -> list[watch.MarkedOrgOut]:
    return watch.list_marked(unit, who)


@router.put("/marked-orgs/{org}", summary="Mark an organisation as a rival or as ours")
def mark_org(found: Found, unit: Unit, who: SignedIn, org: str, body: Mark) -> watch.MarkedOrgOut:
    return watch.mark_organisation(unit, who, found.store, org, body.relation)


@router.delete("/marked-orgs/{org_id}", status_code=204, summary="Take the mark off an organisation")
def unmark_org(unit: Unit, who: SignedIn, org_id: str) -> None:
    watch.unmark_organisation(unit, who, org_id)
