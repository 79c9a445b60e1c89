"""Moves between organisations, flows of people between them, and who an organisation is losing.

A move is a change of organisation that the papers support on both sides: the organisation a person's
papers last name first before it and the one they first name after it, neither named on the other side, each
named by at least `min_support` papers. A rename or merger (Google Brain to Google DeepMind), a unit of the
same organisation (Microsoft to Microsoft AI), an affiliated institute (Mila and Université de Montréal), a
dual affiliation (two organisations named in the same years, or together on one slot), two names of one
place and a weak fact (one paper that the person's other papers contradict) are not moves. Moves are dated by
the papers, not by the day they happened: affiliations thin out after 2023. Transfers between units of one
group (Google Research to Google DeepMind) are listed only when both ends are asked for.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from labscout.errors import InvalidError
from labscout.research import careers, queries
from labscout.research.careers import Flow, Move
from labscout.research.store import ResearchStore

__all__ = ["DEFAULT_MIN_SUPPORT", "AtRisk", "Flow", "Move", "Retention", "count_moves", "family", "list_flows",
           "list_moves", "retention"]

DEFAULT_MIN_SUPPORT = 2


def family(store: ResearchStore, org_ref: str, *, field: str = "org") -> set[str]:
    """An organisation and everything under it (Alphabet: Google, Google Research, Google DeepMind, ...),
    with what was renamed or merged into them (Google Brain)."""
    return careers.org_family(store, queries.resolve_org(store, org_ref, field=field))


def _filter(store: ResearchStore, from_org: str | None, to_org: str | None, since: int | None,
            person_id: str | None, min_support: int) -> careers.MoveFilter:
    if min_support < 1:
        raise InvalidError(f"the minimum support must be at least 1 paper, not {min_support}", field="min_support")
    sources = family(store, from_org, field="from_org") if from_org else None
    targets = family(store, to_org, field="to_org") if to_org else None
    # Asked for both ends inside one group (Google Research to Google DeepMind): those transfers are wanted.
    inside = sources is not None and targets is not None and bool(
        careers.groups_of(store, sources) & careers.groups_of(store, targets))
    return careers.MoveFilter(sources, targets, since, person_id, min_support, within_group=inside)


def list_moves(store: ResearchStore, *, from_org: str | None = None, to_org: str | None = None,
               since: int | None = None, person_id: str | None = None, limit: int = 50,
               min_support: int = DEFAULT_MIN_SUPPORT) -> list[Move]:
    """Moves, most recent first and best supported first within a year, filtered by where from, where to
    (each with its sub-organisations), year and person."""
    if limit < 1:
        raise InvalidError(f"the limit must be at least 1, not {limit}", field="limit")
    chosen = _filter(store, from_org, to_org, since, person_id, min_support)
    return careers.find_moves(store, chosen, limit=limit)


def count_moves(store: ResearchStore, *, from_org: str | None = None, to_org: str | None = None,
                since: int | None = None, person_id: str | None = None,
                min_support: int = DEFAULT_MIN_SUPPORT) -> int:
    """How many moves `list_moves` would list without a limit."""
    return careers.count_moves(store, _filter(store, from_org, to_org, since, person_id, min_support))


def list_flows(store: ResearchStore, *, since: int | None = None, org: str | None = None,
               by_group: bool = True, min_people: int = 2, limit: int = 100,
               min_support: int = DEFAULT_MIN_SUPPORT) -> list[Flow]:
    """People moving from one organisation to another per year, biggest first.

    `by_group` counts organisations under their top parent (Google Research and Google DeepMind as Alphabet);
    moves inside one group are never flows. `org` keeps the flows in or out of that organisation.
    """
    if min_people < 1:
        raise InvalidError(f"the minimum number of people must be at least 1, not {min_people}", field="min_people")
    if min_support < 1:
        raise InvalidError(f"the minimum support must be at least 1 paper, not {min_support}", field="min_support")
    members = family(store, org) if org else None
    return careers.find_flows(store, since=since, members=members, by_group=by_group, min_people=min_people,
                              min_support=min_support, limit=limit)


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
    # A move inside the organisation's own group (Google DeepMind to Google Research) is not a loss.
    left = [m for m in list_moves(store, from_org=org_id, since=since, limit=100_000) if m.to_org_id not in members]
    joined = [m for m in list_moves(store, to_org=org_id, since=since, limit=100_000)
              if m.from_org_id not in members]
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
