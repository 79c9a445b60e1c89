"""Reads of careers from the store: moves between organisations, flows per year, who is where now.

A move is a change of organisation between two consecutive years in which a person's papers state one: the
main organisation of the later year is not among those of the earlier year, and the earlier one is not among
the later year's (so a dual affiliation flickering between years is not a move). `talent.moves` decides what
to ask; the SQL lives here.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

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


@dataclass(frozen=True, slots=True)
class Flow:
    from_org_id: str
    from_org: str
    to_org_id: str
    to_org: str
    year: int
    people: int


@dataclass(frozen=True, slots=True)
class Member:
    """Someone whose latest known organisation is one of those asked about."""

    person_id: str
    name: str
    latest_org_year: int | None


def org_family(store: ResearchStore, org_id: str) -> set[str]:
    """An organisation id and every organisation under it."""
    rows = store.rows("""WITH RECURSIVE tree(org_id) AS (SELECT ?::VARCHAR UNION
                         SELECT o.org_id FROM organisations o JOIN tree t ON o.parent_id = t.org_id)
                         SELECT org_id FROM tree""", [org_id])
    return {r["org_id"] for r in rows}


def find_moves(store: ResearchStore, *, sources: Collection[str] | None = None,
               targets: Collection[str] | None = None, since: int | None = None, person_id: str | None = None,
               across_groups: bool = False, limit: int = 200) -> list[Move]:
    """Moves newest first, from any of `sources` to any of `targets` (organisation ids), from `since` on."""
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
    if across_groups:
        where.append("NOT within_group")
    rows = store.rows(f"SELECT * FROM ({_MOVES}) WHERE {' AND '.join(where)} "
                      f"ORDER BY to_year DESC, name LIMIT {int(limit)}", params)
    return [_move(r) for r in rows]


def _move(r: dict[str, Any]) -> Move:
    return Move(r["person_id"], r["name"], r["from_org_id"], r["from_org"], r["to_org_id"], r["to_org"],
                r["from_year"], r["to_year"], bool(r["within_group"]),
                list(dict.fromkeys([*(r["from_papers"] or []), *(r["to_papers"] or [])])))


def find_flows(store: ResearchStore, *, since: int | None = None, members: Collection[str] | None = None,
               by_group: bool = True, min_people: int = 2, limit: int = 100) -> list[Flow]:
    """People moving from one organisation to another per year, biggest first (see `talent.moves.list_flows`)."""
    top = "coalesce(root.org_id, o.org_id)" if by_group else "o.org_id"
    roots = """LEFT JOIN organisations root ON root.org_id = o.parent_id"""
    touching = "" if members is None else \
        "AND (from_org_id IN (SELECT unnest($members)) OR to_org_id IN (SELECT unnest($members)))"
    rows = store.rows(f"""
        WITH m AS ({_MOVES}),
        ends AS (
            SELECT m.person_id, m.to_year AS year,
                   (SELECT {top} FROM organisations o {roots} WHERE o.org_id = m.from_org_id) AS src,
                   (SELECT {top} FROM organisations o {roots} WHERE o.org_id = m.to_org_id) AS dst,
                   m.from_org_id, m.to_org_id
            FROM m WHERE ($since IS NULL OR m.to_year >= $since)
        )
        SELECT src, s.name AS src_name, dst, d.name AS dst_name, year, count(DISTINCT person_id) AS people
        FROM ends JOIN organisations s ON s.org_id = src JOIN organisations d ON d.org_id = dst
        WHERE src <> dst {touching}
        GROUP BY ALL HAVING count(DISTINCT person_id) >= $min_people
        ORDER BY people DESC, year DESC, src_name, dst_name LIMIT {int(limit)}""",
        {"since": since, "min_people": min_people, **({} if members is None else {"members": sorted(members)})})
    return [Flow(r["src"], r["src_name"], r["dst"], r["dst_name"], r["year"], r["people"]) for r in rows]


def latest_org_year(store: ResearchStore) -> int | None:
    """The newest year any person's latest organisation was seen."""
    row = store.one("SELECT max(latest_org_year) AS y FROM people")
    return int(row["y"]) if row and row["y"] is not None else None


def current_members(store: ResearchStore, org_ids: Collection[str], *, seen_since: int) -> list[Member]:
    """People whose latest organisation is one of `org_ids`, seen there from `seen_since` on."""
    return store.records(Member, """SELECT person_id, name, latest_org_year FROM people
                                    WHERE latest_org_id IN (SELECT unnest(?)) AND latest_org_year >= ?""",
                         [sorted(org_ids), seen_since])


def people_at(store: ResearchStore, org_ids: Collection[str]) -> set[str]:
    """Person ids whose latest known organisation is one of `org_ids`."""
    return {r["person_id"] for r in store.rows(
        "SELECT person_id FROM people WHERE latest_org_id IN (SELECT unnest(?))", [sorted(org_ids)])}


def closest_coauthors(store: ResearchStore, person_ids: Collection[str], *, per_person: int = 8,
                      max_authors: int = 30) -> dict[str, list[str]]:
    """For each person, their `per_person` most frequent co-authors (papers of at most `max_authors` authors)."""
    rows = store.rows(f"""
        SELECT a.person_id, c.person_id AS coauthor, count(*) AS joint
        FROM authorships a JOIN authorships c ON c.paper_id = a.paper_id AND c.person_id <> a.person_id
        JOIN papers p ON p.paper_id = a.paper_id
        WHERE a.person_id IN (SELECT unnest(?)) AND p.n_authors <= {int(max_authors)}
        GROUP BY a.person_id, c.person_id
        QUALIFY row_number() OVER (PARTITION BY a.person_id ORDER BY count(*) DESC, c.person_id) <= {int(per_person)}
    """, [sorted(person_ids)])
    found: dict[str, list[str]] = {}
    for r in rows:
        found.setdefault(r["person_id"], []).append(r["coauthor"])
    return found
