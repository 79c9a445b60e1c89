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
from typing import Any

from labscout.errors import InvalidError
from labscout.research import queries
from labscout.research.store import ResearchStore

_MOVES = """
WITH per_year AS (
    SELECT person_id, year, arg_max(org_id, n_papers) AS org_id, list(org_id) AS orgs,
           flatten(list(paper_ids)) AS paper_ids
    FROM person_years WHERE org_id IS NOT NULL GROUP BY person_id, year
), seq AS (
    SELECT *, lag(org_id) OVER w AS prev_org, lag(orgs) OVER w AS prev_orgs, lag(year) OVER w AS prev_year,
           lag(paper_ids) OVER w AS prev_papers
    FROM per_year WINDOW w AS (PARTITION BY person_id ORDER BY year)
)
SELECT s.person_id, pe.name, s.prev_org AS from_org_id, fo.name AS from_org, s.org_id AS to_org_id,
       t.name AS to_org, s.prev_year AS from_year, s.year AS to_year, s.prev_papers[1:3] AS from_papers,
       s.paper_ids[1:3] AS to_papers, coalesce(fo.parent_id, fo.org_id) = coalesce(t.parent_id, t.org_id)
           AS within_group
FROM seq s JOIN people pe USING (person_id)
LEFT JOIN organisations fo ON fo.org_id = s.prev_org LEFT JOIN organisations t ON t.org_id = s.org_id
WHERE s.prev_org IS NOT NULL AND NOT list_contains(s.prev_orgs, s.org_id) AND NOT list_contains(s.orgs, s.prev_org)
"""


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


def family(store: ResearchStore, org_ref: str) -> set[str]:
    """An organisation and everything under it (Alphabet: Google Research, Google DeepMind, ...)."""
    org_id = queries.resolve_org(store, org_ref)
    rows = store.rows("""WITH RECURSIVE tree(org_id) AS (SELECT ?::VARCHAR UNION
                         SELECT o.org_id FROM organisations o JOIN tree t ON o.parent_id = t.org_id)
                         SELECT org_id FROM tree""", [org_id])
    return {r["org_id"] for r in rows}


def list_moves(store: ResearchStore, *, from_org: str | None = None, to_org: str | None = None,
               since: int | None = None, person_id: str | None = None, limit: int = 200) -> list[Move]:
    """Moves newest first, filtered by where from, where to (each with its sub-organisations) and year."""
    if limit < 1:
        raise InvalidError("--limit must be at least 1")
    sources = family(store, from_org) if from_org else None
    targets = family(store, to_org) if to_org else None
    where: list[str] = ["1=1"]
    params: list[object] = []
    if sources is not None:
        where.append("from_org_id IN (SELECT unnest(?))")
        params.append(sorted(sources))
    if targets is not None:
        where.append("to_org_id IN (SELECT unnest(?))")
        params.append(sorted(targets))
    if since is not None:
        where.append("to_year >= ?")
        params.append(since)
    if person_id is not None:
        where.append("person_id = ?")
        params.append(person_id)
    if sources is not None and targets is not None and sources & targets == sources:
        where.append("NOT within_group")
    rows = store.rows(f"SELECT * FROM ({_MOVES}) WHERE {' AND '.join(where)} "
                      f"ORDER BY to_year DESC, name LIMIT {int(limit)}", params)
    return [_move(r) for r in rows]


def _move(r: dict[str, Any]) -> Move:
    return Move(r["person_id"], r["name"], r["from_org_id"], r["from_org"], r["to_org_id"], r["to_org"],
                r["from_year"], r["to_year"], bool(r["within_group"]),
                list(dict.fromkeys([*(r["from_papers"] or []), *(r["to_papers"] or [])])))


@dataclass(frozen=True, slots=True)
class Flow:
    from_org_id: str
    from_org: str
    to_org_id: str
    to_org: str
    year: int
    people: int


def list_flows(store: ResearchStore, *, since: int | None = None, org: str | None = None,
               by_group: bool = True, min_people: int = 2, limit: int = 100) -> list[Flow]:
    """People moving from one organisation to another per year, biggest first.

    `by_group` counts organisations under their top parent (Google Research and Google DeepMind as Alphabet),
    leaving out moves inside one group. `org` keeps the flows in or out of that organisation.
    """
    if min_people < 1:
        raise InvalidError("--min-people must be at least 1")
    top = "coalesce(root.org_id, o.org_id)" if by_group else "o.org_id"
    roots = """LEFT JOIN organisations root ON root.org_id = o.parent_id"""
    members = family(store, org) if org else None
    rows = store.rows(f"""
        WITH m AS ({_MOVES}),
        ends AS (
            SELECT m.person_id, m.to_year AS year,
                   (SELECT {top} FROM organisations o {roots} WHERE o.org_id = m.from_org_id) AS src,
                   (SELECT {top} FROM organisations o {roots} WHERE o.org_id = m.to_org_id) AS dst,
                   m.from_org_id, m.to_org_id
            FROM m WHERE (? IS NULL OR m.to_year >= ?)
        )
        SELECT src, s.name AS src_name, dst, d.name AS dst_name, year, count(DISTINCT person_id) AS people
        FROM ends JOIN organisations s ON s.org_id = src JOIN organisations d ON d.org_id = dst
        WHERE src <> dst AND (? IS NULL OR from_org_id IN (SELECT unnest(?)) OR to_org_id IN (SELECT unnest(?)))
        GROUP BY ALL HAVING count(DISTINCT person_id) >= ?
        ORDER BY people DESC, year DESC, src_name, dst_name LIMIT {int(limit)}""",
        [since, since, org, sorted(members or []), sorted(members or []), min_people])
    return [Flow(r["src"], r["src_name"], r["dst"], r["dst_name"], r["year"], r["people"]) for r in rows]


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
    every = list_moves(store, since=since, limit=100_000)
    # A move inside the organisation's own group (Google DeepMind to Google Research) is not a loss.
    left = [m for m in every if m.from_org_id in members and m.to_org_id not in members and not m.within_group]
    joined = [m for m in every if m.to_org_id in members and m.from_org_id not in members and not m.within_group]
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
