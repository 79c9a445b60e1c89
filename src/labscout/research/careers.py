"""Careers as the research store holds them: moves between organisations, flows, who is where now, and how
each source file's per-author fields were paired with its authors.

Facts and moves are derived in `derive.sql`; this module reads them as typed records. A move is listed only
when both ends rest on enough papers (`min_support`); moves between units of one group (Google Research to
Google DeepMind) are transfers and are left out unless both ends are asked for. `talent.moves` decides what
to ask; the SQL lives here.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from labscout.research import organisations
from labscout.research.store import ResearchStore


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


@dataclass(frozen=True, slots=True)
class MoveFilter:
    """Which moves: from and to (each an organisation's family), since a year, one person, how supported."""

    from_orgs: Collection[str] | None = None
    to_orgs: Collection[str] | None = None
    since: int | None = None
    person_id: str | None = None
    min_support: int = 2
    within_group: bool = False


def org_family(store: ResearchStore, org_id: str) -> set[str]:
    """An organisation id, every organisation under it and what was renamed or merged into any of them."""
    return organisations.family(store, org_id)


def groups_of(store: ResearchStore, org_ids: Collection[str]) -> set[str]:
    """The tops of the families the organisations belong to (Alphabet for Google DeepMind)."""
    rows = store.rows("SELECT DISTINCT group_id FROM org_relations WHERE org_id IN (SELECT unnest(?))",
                      [sorted(org_ids)])
    return {str(r["group_id"]) for r in rows}


def _where(f: MoveFilter) -> tuple[str, list[object]]:
    where = ["least(m.from_support, m.to_support) >= ?"]
    params: list[object] = [f.min_support]
    if f.from_orgs is not None:
        where.append("(m.from_org_id IN (SELECT unnest(?)) OR m.from_unit_id IN (SELECT unnest(?)))")
        params += [sorted(f.from_orgs), sorted(f.from_orgs)]
    if f.to_orgs is not None:
        where.append("(m.to_org_id IN (SELECT unnest(?)) OR m.to_unit_id IN (SELECT unnest(?)))")
        params += [sorted(f.to_orgs), sorted(f.to_orgs)]
    if f.since is not None:
        where.append("m.to_year >= ?")
        params.append(f.since)
    if f.person_id is not None:
        where.append("m.person_id = ?")
        params.append(f.person_id)
    if not f.within_group:
        where.append("NOT m.within_group")
    return " AND ".join(where), params


def find_moves(store: ResearchStore, f: MoveFilter, *, limit: int) -> list[Move]:
    """Moves, most recent first and, within a year, best supported first."""
    where, params = _where(f)
    rows = store.rows(
        f"""SELECT m.*, pe.name, fo.name AS from_org, t.name AS to_org
            FROM moves m JOIN people pe USING (person_id)
            JOIN organisations fo ON fo.org_id = m.from_org_id JOIN organisations t ON t.org_id = m.to_org_id
            WHERE {where}
            ORDER BY m.to_year DESC, least(m.from_support, m.to_support) DESC, pe.name, m.person_id, m.from_year
            LIMIT ?""", [*params, limit])
    return [_move(r) for r in rows]


def _move(r: dict[str, Any]) -> Move:
    return Move(r["person_id"], r["name"], r["from_org_id"], r["from_org"], r["to_org_id"], r["to_org"],
                r["from_year"], r["to_year"], bool(r["within_group"]),
                list(dict.fromkeys([*(r["from_papers"] or []), *(r["to_papers"] or [])])),
                r["from_support"], r["to_support"])


def count_moves(store: ResearchStore, f: MoveFilter) -> int:
    where, params = _where(f)
    row = store.one(f"SELECT count(*) AS n FROM moves m WHERE {where}", params)
    return int(row["n"]) if row else 0


def find_flows(store: ResearchStore, *, since: int | None = None, members: Collection[str] | None = None,
               by_group: bool = True, min_people: int = 2, min_support: int = 2, limit: int = 100) -> list[Flow]:
    """People moving from one organisation to another per year, biggest first; transfers inside a group are
    not flows. `by_group` counts each organisation under the top of its family (Alphabet); `members` keeps
    the flows in or out of those organisations."""
    src, dst = ("from_group_id", "to_group_id") if by_group else ("from_unit_id", "to_unit_id")
    chosen = sorted(members) if members is not None else None
    rows = store.rows(
        f"""SELECT m.{src} AS src, s.name AS src_name, m.{dst} AS dst, d.name AS dst_name, m.to_year AS year,
                   count(DISTINCT m.person_id) AS people
            FROM moves m JOIN organisations s ON s.org_id = m.{src} JOIN organisations d ON d.org_id = m.{dst}
            WHERE NOT m.within_group AND least(m.from_support, m.to_support) >= ? AND (? IS NULL OR m.to_year >= ?)
              AND (?::VARCHAR[] IS NULL OR list_has_any([m.from_org_id, m.from_unit_id, m.to_org_id, m.to_unit_id],
                                                        ?::VARCHAR[]))
            GROUP BY ALL HAVING count(DISTINCT m.person_id) >= ?
            ORDER BY people DESC, year DESC, src_name, dst_name LIMIT ?""",
        [min_support, since, since, chosen, chosen, min_people, limit])
    return [Flow(r["src"], r["src_name"], r["dst"], r["dst_name"], r["year"], r["people"]) for r in rows]


@dataclass(frozen=True, slots=True)
class FilePairing:
    """How one source file's per-author fields were paired with its authors, and how the facts held."""

    file: str
    papers: int
    authorships: int
    by_pairing: dict[str, int]  # authorships with an organisation, by how it was paired
    unpaired_papers: int  # papers whose institutions stay at paper level, paired with nobody
    misaligned_papers: int  # papers whose per-author slot list is out of order as a whole: paired with nobody
    positions: int
    domain_checked: int  # authorships whose affiliation and domain both name a known organisation
    domain_disagrees: int
    neighbours_checked: int  # authorships with an organisation whose person has other papers the years around
    neighbours_disagree: int  # ... none of which names its family
    facts: int  # timeline facts (person, year, organisation) resting on this file's papers
    weak_facts: int


_REPORT = """
WITH a AS (
    SELECT a.person_id, a.org_id, a.affiliation_source, a.position, a.domain_check, p.source_file, p.year,
           p.paper_id, r.group_id, r.lineage, r.affiliates
    FROM authorships a JOIN papers p USING (paper_id) LEFT JOIN org_relations r USING (org_id)
), near AS (
    -- Each stated organisation against the person's other papers of the year before to the year after.
    SELECT x.paper_id, x.person_id,
           count(y.paper_id) AS others,
           count(y.paper_id) FILTER (WHERE y.group_id = x.group_id OR list_has_any(y.lineage, x.affiliates)
                                     OR list_has_any(x.lineage, y.affiliates)) AS agreeing
    FROM a x JOIN a y ON y.person_id = x.person_id AND y.paper_id <> x.paper_id AND abs(y.year - x.year) <= 1
         AND y.org_id IS NOT NULL
    WHERE x.org_id IS NOT NULL
    GROUP BY x.paper_id, x.person_id
), facts AS (
    SELECT DISTINCT p.source_file, y.person_id, y.year, y.org_id, y.strength
    FROM person_years y, unnest(y.paper_ids) AS u(paper_id) JOIN papers p ON p.paper_id = u.paper_id
    WHERE y.org_id IS NOT NULL
)
SELECT f.file,
       (SELECT count(*) FROM papers p WHERE p.source_file = f.file) AS papers,
       (SELECT count(*) FROM a WHERE a.source_file = f.file) AS authorships,
       (SELECT coalesce(list(s ORDER BY s), []) FROM (
            SELECT a.affiliation_source || '=' || count(*) AS s FROM a
            WHERE a.source_file = f.file AND a.org_id IS NOT NULL AND a.affiliation_source IS NOT NULL
            GROUP BY a.affiliation_source)) AS by_pairing,
       (SELECT count(DISTINCT pa.paper_id) FROM paper_affiliations pa JOIN papers p USING (paper_id)
        WHERE p.source_file = f.file) AS unpaired_papers,
       (SELECT count(*) FROM misaligned_lists m JOIN papers p USING (paper_id)
        WHERE p.source_file = f.file) AS misaligned_papers,
       (SELECT count(*) FROM a WHERE a.source_file = f.file AND a.position IS NOT NULL) AS positions,
       (SELECT count(*) FROM a WHERE a.source_file = f.file AND a.domain_check IS NOT NULL) AS domain_checked,
       (SELECT count(*) FROM a WHERE a.source_file = f.file AND a.domain_check = 'disagrees') AS domain_disagrees,
       (SELECT count(*) FROM near n JOIN papers p USING (paper_id) WHERE p.source_file = f.file
        AND n.others > 0) AS neighbours_checked,
       (SELECT count(*) FROM near n JOIN papers p USING (paper_id) WHERE p.source_file = f.file
        AND n.others > 0 AND n.agreeing = 0) AS neighbours_disagree,
       (SELECT count(*) FROM facts x WHERE x.source_file = f.file) AS facts,
       (SELECT count(*) FROM facts x WHERE x.source_file = f.file AND x.strength = 'weak') AS weak_facts
FROM source_files f ORDER BY f.file
"""


def pairing_report(store: ResearchStore) -> list[FilePairing]:
    """Per source file: how affiliations were paired, how often they disagree with the e-mail domain or with
    the person's papers of the neighbouring years, and how many facts rest on it and how many are weak."""
    report = []
    for r in store.rows(_REPORT):
        pairs = dict(item.split("=", 1) for item in r["by_pairing"])
        report.append(FilePairing(
            r["file"], r["papers"], r["authorships"], {k: int(v) for k, v in pairs.items()}, r["unpaired_papers"],
            r["misaligned_papers"], r["positions"], r["domain_checked"], r["domain_disagrees"],
            r["neighbours_checked"], r["neighbours_disagree"], r["facts"], r["weak_facts"]))
    return report


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
