"""Moves between organisations, flows of people between them, and who an organisation is losing.

A move is a change of organisation between two consecutive years in which a person's papers state one:
the main organisation of the later year is not among those of the earlier year, and the earlier one is not
among the later year's (so a dual affiliation flickering between years is not a move). Each move carries the
papers that state both ends, and the years, because affiliations thin out after 2023: a move is dated
by the papers, not by the day it happened.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from labscout.errors import InvalidError
from labscout.research import careers, queries
from labscout.research.careers import Flow, Move
from labscout.research.store import ResearchStore

__all__ = ["AtRisk", "Flow", "Move", "Retention", "family", "list_flows", "list_moves", "retention"]


def family(store: ResearchStore, org_ref: str, *, field: str = "org") -> set[str]:
    """An organisation and everything under it (Alphabet: Google Research, Google DeepMind, ...)."""
    return careers.org_family(store, queries.resolve_org(store, org_ref, field=field))


def list_moves(store: ResearchStore, *, from_org: str | None = None, to_org: str | None = None,
               since: int | None = None, person_id: str | None = None, limit: int = 200) -> list[Move]:
    """Moves newest first, filtered by where from, where to (each with its sub-organisations) and year."""
    if limit < 1:
        raise InvalidError(f"the limit must be at least 1, not {limit}", field="limit")
    sources = family(store, from_org, field="from_org") if from_org else None
    targets = family(store, to_org, field="to_org") if to_org else None
    # From a group to itself (Alphabet to Google DeepMind) asks for moves that leave the group's part.
    across = sources is not None and targets is not None and sources & targets == sources
    return careers.find_moves(store, sources=sources, targets=targets, since=since, person_id=person_id,
                              across_groups=across, limit=limit)


def list_flows(store: ResearchStore, *, since: int | None = None, org: str | None = None,
               by_group: bool = True, min_people: int = 2, limit: int = 100) -> list[Flow]:
    """People moving from one organisation to another per year, biggest first.

    `by_group` counts organisations under their top parent (Google Research and Google DeepMind as Alphabet),
    leaving out moves inside one group. `org` keeps the flows in or out of that organisation.
    """
    if min_people < 1:
        raise InvalidError(f"the minimum number of people must be at least 1, not {min_people}", field="min_people")
    members = family(store, org) if org else None
    return careers.find_flows(store, since=since, members=members, by_group=by_group, min_people=min_people,
                              limit=limit)


@dataclass(frozen=True, slots=True)
class AtRisk:
    person_id: str
    name: str
    org: str | None
    last_seen: int | None
    departed_coauthors: list[str]
    risk: float  # share of their closest co-authors from the organisation who have left it


@dataclass(frozen=True, slots=True)
class Retention:
    org_id: str
    org: str
    left: list[Move]
    destinations: dict[str, int]
    joined: list[Move]
    at_risk: list[AtRisk]


def retention(store: ResearchStore, org: str, *, since: int | None = None, top: int = 25) -> Retention:
    """Who left the organisation and where to, who joined, and who is at risk of following."""
    org_id = queries.resolve_org(store, org)
    members = careers.org_family(store, org_id)
    org_name = queries.get_org(store, org_id).name
    every = list_moves(store, since=since, limit=100_000)
    # A move inside the organisation's own group (Google DeepMind to Google Research) is not a loss.
    left = [m for m in every if m.from_org_id in members and m.to_org_id not in members and not m.within_group]
    joined = [m for m in every if m.to_org_id in members and m.from_org_id not in members and not m.within_group]
    destinations: dict[str, int] = defaultdict(int)
    for m in left:
        destinations[m.to_org] += 1
    gone = {m.person_id: m for m in left}
    latest = careers.latest_org_year(store)
    current = careers.current_members(store, members, seen_since=latest - 1 if latest else 0)
    coauthors = careers.closest_coauthors(store, [m.person_id for m in current], per_person=8, max_authors=30)
    names = queries.person_names(store, gone)
    risky = []
    for member in current:
        close = coauthors.get(member.person_id, [])
        departed = [c for c in close if c in gone]
        if departed:
            risky.append(AtRisk(member.person_id, member.name, org_name, member.latest_org_year,
                                [f"{names.get(c, c)} -> {gone[c].to_org}" for c in departed],
                                len(departed) / len(close)))
    risky.sort(key=lambda a: (-a.risk, -len(a.departed_coauthors), a.name))
    return Retention(org_id, org_name, left[:top * 4],
                     dict(sorted(destinations.items(), key=lambda kv: -kv[1])), joined[:top * 4], risky[:top])
