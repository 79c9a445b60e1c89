"""Moves between organisations, flows of people between them, and who an organisation is losing.

A move is a change of organisation that the papers support on both sides: the organisation a person's
papers last name before it and the one they first name after it, neither named on the other side, each named
by at least `min_support` papers. A rename or merger (Google Brain to Google DeepMind), a unit of the same
organisation (Microsoft to Microsoft AI), an affiliated institute (Mila and Université de Montréal), a dual
affiliation (two organisations named in the same years) and a weak fact (one paper that the person's other
papers contradict) are not moves. Moves are dated by the papers, not by the day they happened: affiliations
thin out after 2023. Transfers between units of one group (Google Research to Google DeepMind) are listed
only when both ends are asked for.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from labscout.errors import InvalidError
from labscout.research import careers, organisations, queries
from labscout.research.store import ResearchStore

DEFAULT_MIN_SUPPORT = 2


@dataclass(frozen=True, slots=True)
class Move:
    person_id: str
    name: str
    from_org_id: str
    from_org: str
    to_org_id: str
    to_org: str
    from_year: int
    to_year: int
    within_group: bool
    evidence: list[str]  # papers stating the old and the new organisation
    from_support: int = 0  # papers naming the organisation left
    to_support: int = 0  # papers naming the organisation joined


def family(store: ResearchStore, org_ref: str) -> set[str]:
    """An organisation and everything under it (Alphabet: Google, Google Research, Google DeepMind, ...),
    with what was renamed or merged into them (Google Brain)."""
    return organisations.family(store, queries.resolve_org(store, org_ref))


def _filter(store: ResearchStore, from_org: str | None, to_org: str | None, since: int | None,
            person_id: str | None, min_support: int) -> careers.MoveFilter:
    if min_support < 1:
        raise InvalidError("min_support must be at least 1")
    sources = family(store, from_org) if from_org else None
    targets = family(store, to_org) if to_org else None
    # Asked for both ends inside one group (Google Research to Google DeepMind): those transfers are wanted.
    inside = sources is not None and targets is not None and bool(
        _groups(store, sources) & _groups(store, targets))
    return careers.MoveFilter(sources, targets, since, person_id, min_support, within_group=inside)


def _groups(store: ResearchStore, orgs: set[str]) -> set[str]:
    rows = store.rows("SELECT DISTINCT group_id FROM org_relations WHERE org_id IN (SELECT unnest(?))",
                      [sorted(orgs)])
    return {str(r["group_id"]) for r in rows}


def list_moves(store: ResearchStore, *, from_org: str | None = None, to_org: str | None = None,
               since: int | None = None, person_id: str | None = None, limit: int = 50,
               min_support: int = DEFAULT_MIN_SUPPORT) -> list[Move]:
    """Moves, most recent first and best supported first within a year, filtered by where from, where to
    (each with its sub-organisations), year and person."""
    if limit < 1:
        raise InvalidError("limit must be at least 1")
    chosen = _filter(store, from_org, to_org, since, person_id, min_support)
    return [_move(r) for r in careers.read_moves(store, chosen, limit=limit)]


def count_moves(store: ResearchStore, *, from_org: str | None = None, to_org: str | None = None,
                since: int | None = None, person_id: str | None = None,
                min_support: int = DEFAULT_MIN_SUPPORT) -> int:
    """How many moves `list_moves` would list without a limit."""
    return careers.count_moves(store, _filter(store, from_org, to_org, since, person_id, min_support))


def _move(r: careers.MoveRecord) -> Move:
    return Move(r.person_id, r.name, r.from_org_id, r.from_org, r.to_org_id, r.to_org, r.from_year, r.to_year,
                r.within_group, list(dict.fromkeys([*r.from_papers, *r.to_papers])), r.from_support, r.to_support)


@dataclass(frozen=True, slots=True)
class Flow:
    from_org_id: str
    from_org: str
    to_org_id: str
    to_org: str
    year: int
    people: int


def list_flows(store: ResearchStore, *, since: int | None = None, org: str | None = None,
               by_group: bool = True, min_people: int = 2, limit: int = 100,
               min_support: int = DEFAULT_MIN_SUPPORT) -> list[Flow]:
    """People moving from one organisation to another per year, biggest first.

    `by_group` counts organisations under their top parent (Google Research and Google DeepMind as Alphabet);
    moves inside one group are never flows. `org` keeps the flows in or out of that organisation.
    """
    if min_people < 1:
        raise InvalidError("min_people must be at least 1")
    members = family(store, org) if org else None
    rows = careers.read_flows(store, since=since, orgs=members, by_group=by_group, min_people=min_people,
                              min_support=min_support, limit=limit)
    return [Flow(r.from_org_id, r.from_org, r.to_org_id, r.to_org, r.year, r.people) for r in rows]


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
    members = family(store, org)
    org_id = queries.resolve_org(store, org)
    name_row = store.one("SELECT name FROM organisations WHERE org_id = ?", [org_id])
    # A move inside the organisation's own group (Google DeepMind to Google Research) is not a loss.
    left = [m for m in list_moves(store, from_org=org_id, since=since, limit=100_000) if m.to_org_id not in members]
    joined = [m for m in list_moves(store, to_org=org_id, since=since, limit=100_000)
              if m.from_org_id not in members]
    destinations: dict[str, int] = defaultdict(int)
    for m in left:
        destinations[m.to_org] += 1
    gone = {m.person_id: m for m in left}
    latest = store.one("SELECT max(latest_org_year) AS y FROM people")
    recent = int(latest["y"]) - 1 if latest and latest["y"] else 0
    current = store.rows("""SELECT person_id, name, latest_org_year FROM people
                            WHERE latest_org_id IN (SELECT unnest(?)) AND latest_org_year >= ?""",
                         [sorted(members), recent])
    closest = store.rows("""
        SELECT a.person_id, c.person_id AS coauthor, count(*) AS joint
        FROM authorships a JOIN authorships c ON c.paper_id = a.paper_id AND c.person_id <> a.person_id
        JOIN papers p ON p.paper_id = a.paper_id
        WHERE a.person_id IN (SELECT unnest(?)) AND p.n_authors <= 30
        GROUP BY a.person_id, c.person_id
        QUALIFY row_number() OVER (PARTITION BY a.person_id ORDER BY count(*) DESC, c.person_id) <= 8
    """, [[r["person_id"] for r in current]])
    coauthors: dict[str, list[str]] = defaultdict(list)
    for r in closest:
        coauthors[r["person_id"]].append(r["coauthor"])
    names = {r["person_id"]: r["name"] for r in store.rows(
        "SELECT person_id, name FROM people WHERE person_id IN (SELECT unnest(?))", [sorted(gone)])}
    risky = []
    for r in current:
        close = coauthors.get(r["person_id"], [])
        departed = [c for c in close if c in gone]
        if departed:
            risky.append(AtRisk(r["person_id"], r["name"], name_row["name"] if name_row else None,
                                r["latest_org_year"], [f"{names.get(c, c)} -> {gone[c].to_org}" for c in departed],
                                len(departed) / len(close)))
    risky.sort(key=lambda a: (-a.risk, -len(a.departed_coauthors), a.name))
    return Retention(org_id, name_row["name"] if name_row else org_id, left[:top * 4],
                     dict(sorted(destinations.items(), key=lambda kv: -kv[1])), joined[:top * 4], risky[:top])
