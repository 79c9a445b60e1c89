"""Discovery over HTTP: expert search, people, organisations, moves, flows, introduction paths."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from labscout.api.deps import Found, SignedIn
from labscout.research import queries
from labscout.talent import moves, network, search, views

router = APIRouter(tags=["discovery"])

Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]


@router.get("/search", summary="People called `q` (on the first page), then experts for it as a topic, with score "
            "parts and evidence; `offset` pages on")
def search_experts(found: Found, _: SignedIn, q: Annotated[str, Query(max_length=300)],
                   top: Annotated[int, Query(ge=1, le=200)] = 20, org: str | None = None,
                   org_kind: str | None = None, country: str | None = None,
                   since: Annotated[int | None, Query(ge=1900, le=2100)] = None, seniority: str | None = None,
                   exclude_org: str | None = None,
                   offset: Annotated[int, Query(ge=0, lt=views.MAX_RESULTS)] = 0) -> views.SearchView:
    filters = search.SearchFilters(org=org, org_kind=org_kind, country=country, since=since, seniority=seniority,
                                   exclude_org=exclude_org)
    return views.search_view(found.store, found.talent, q, filters=filters, offset=offset, limit=top)


@router.get("/people", summary="People whose name matches, for picking one")
def find_people(found: Found, _: SignedIn, name: Annotated[str, Query(min_length=1, max_length=200)],
                limit: Limit = 25, offset: Offset = 0) -> list[queries.PersonMatch]:
    return queries.people_called(found.store, name)[offset:offset + limit]


@router.get("/people/{person_id}", summary="A person's profile: papers, timeline, topics, moves, evidence")
def get_person(found: Found, _: SignedIn, person_id: str,
               via_org: Annotated[str | None, Query(max_length=200)] = None) -> views.PersonView:
    return views.person_view(found.store, person_id, explain=True, via_org=via_org)


@router.get("/orgs/{org}", summary="An organisation: family, aliases, people, topics, inflow and outflow")
def get_org(found: Found, _: SignedIn, org: str, top: Annotated[int, Query(ge=1, le=500)] = 25) -> views.OrgView:
    return views.org_view(found.store, org, top=top, flows=30)


@router.get("/moves", summary="Moves between organisations, most recent and best supported first")
def list_moves(found: Found, _: SignedIn, from_org: str | None = None, to_org: str | None = None,
               since: Annotated[int | None, Query(ge=1900, le=2100)] = None, limit: Limit = 50,
               offset: Offset = 0,
               min_support: Annotated[int, Query(ge=1, le=100)] = moves.DEFAULT_MIN_SUPPORT) -> list[moves.Move]:
    return moves.list_moves(found.store, from_org=from_org, to_org=to_org, since=since,
                            limit=limit + offset, min_support=min_support)[offset:]


@router.get("/flows", summary="Organisation-to-organisation flows per year")
def list_flows(found: Found, _: SignedIn, since: Annotated[int | None, Query(ge=1900, le=2100)] = None,
               org: str | None = None, by_group: bool = True, min_people: Annotated[int, Query(ge=1, le=1000)] = 2,
               limit: Limit = 50, offset: Offset = 0) -> list[moves.Flow]:
    return moves.list_flows(found.store, since=since, org=org, by_group=by_group, min_people=min_people,
                            limit=limit + offset)[offset:]


@router.get("/intro", summary="Warm introduction paths from our people to a person")
def intro_paths(found: Found, _: SignedIn, to: str, via_org: str | None = None,
                via: Annotated[list[str] | None, Query()] = None,
                paths: Annotated[int, Query(ge=1, le=20)] = 5) -> list[network.IntroPath]:
    return network.find_intro_paths(found.store, to, from_people=via, via_org=via_org, paths=paths)
