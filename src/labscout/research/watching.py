"""Reads for watching people: where they have been seen, their orals and spotlights, their co-authors at given
organisations, and where old person ids went after a rebuild. The alerts are decided in `pipeline.alerts`.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from labscout.research.store import ResearchStore


@dataclass(frozen=True, slots=True)
class SeenAt:
    """A person at an organisation: the years their papers say so, the papers, and the sources that say it."""

    org_id: str
    org: str
    first_year: int
    last_year: int
    paper_ids: list[str]
    sources: list[str]


@dataclass(frozen=True, slots=True)
class Highlight:
    """An accepted paper presented as an oral or a spotlight."""

    paper_id: str
    title: str
    year: int
    venue: str
    presentation: str
    sources: list[str]


@dataclass(frozen=True, slots=True)
class Coauthorship:
    """A paper `person_id` wrote with someone who was at one of the organisations asked about."""

    person_id: str
    paper_id: str
    title: str
    year: int
    coauthor_id: str
    coauthor: str
    coauthor_slot: int
    org_id: str
    org: str


def seen_at(store: ResearchStore, person_id: str) -> list[SeenAt]:
    """Every organisation the person's career facts name, oldest first, with the sources behind each."""
    return store.records(SeenAt, """
        WITH facts AS (
            SELECT y.org_id, y.year, unnest(y.paper_ids) AS paper_id FROM person_years y
            WHERE y.person_id = $person AND y.org_id IS NOT NULL
        ), said AS (
            SELECT f.org_id, f.year, f.paper_id,
                   CASE WHEN a.affiliation_source = 'openalex' THEN 'openalex' ELSE ps.adapter END AS source
            FROM facts f JOIN authorships a ON a.paper_id = f.paper_id AND a.person_id = $person
            JOIN papers p ON p.paper_id = f.paper_id
            LEFT JOIN paper_sources ps ON ps.paper_id = p.paper_id AND ps.source_file = p.source_file
                 AND ps.record_index = p.record_index
        )
        SELECT s.org_id, o.name AS org, min(s.year) AS first_year, max(s.year) AS last_year,
               list(DISTINCT s.paper_id ORDER BY s.paper_id) AS paper_ids,
               list(DISTINCT s.source ORDER BY s.source) FILTER (WHERE s.source IS NOT NULL) AS sources
        FROM said s JOIN organisations o USING (org_id)
        GROUP BY s.org_id, o.name ORDER BY first_year, s.org_id""", {"person": person_id})


def highlights(store: ResearchStore, person_id: str) -> list[Highlight]:
    """The person's accepted orals and spotlights, newest first."""
    return store.records(Highlight, """
        SELECT p.paper_id, p.title, p.year, v.name AS venue, p.presentation,
               coalesce(list(DISTINCT ps.adapter ORDER BY ps.adapter) FILTER (WHERE ps.adapter IS NOT NULL), [])
                   AS sources
        FROM authorships a JOIN papers p USING (paper_id) JOIN venues v ON v.venue = p.venue
        LEFT JOIN paper_sources ps ON ps.paper_id = p.paper_id
        WHERE a.person_id = $person AND p.decision = 'accepted' AND p.presentation IN ('oral', 'spotlight')
        GROUP BY ALL ORDER BY p.year DESC, p.paper_id""", {"person": person_id})


def coauthors_at(store: ResearchStore, person_ids: Collection[str], org_ids: Collection[str],
                 ) -> list[Coauthorship]:
    """Co-authors of the people who were at `org_ids` when they wrote together (their slot on the shared paper
    names it), newest first. Papers of more than 30 authors are left out: a consortium is no tie."""
    if not org_ids or not person_ids:
        return []
    return store.records(Coauthorship, """
        SELECT a.person_id, p.paper_id, p.title, p.year, c.person_id AS coauthor_id, pe.name AS coauthor,
               c.author_order AS coauthor_slot, c.org_id, o.name AS org
        FROM authorships a JOIN authorships c ON c.paper_id = a.paper_id AND c.person_id <> a.person_id
        JOIN papers p ON p.paper_id = a.paper_id JOIN people pe ON pe.person_id = c.person_id
        JOIN organisations o ON o.org_id = c.org_id
        WHERE a.person_id IN (SELECT unnest($people)) AND p.n_authors <= 30
          AND c.org_id IN (SELECT unnest($orgs))
          -- Written there together: the person was at that organisation too; their move is its own news.
          AND (a.org_id IS NULL OR a.org_id NOT IN (SELECT unnest($orgs)))
        ORDER BY p.year DESC, p.paper_id, c.author_order""",
                         {"people": sorted(person_ids), "orgs": sorted(org_ids)})


def followed_ids(store: ResearchStore, person_ids: Collection[str]) -> dict[str, str]:
    """Where each person id is now: itself when the store holds it, else where most of its mentions went."""
    rows = store.rows("""
        SELECT i AS old_id, coalesce(p.person_id, arg_max(r.new_person_id, r.mentions)) AS new_id
        FROM unnest($ids) t(i) LEFT JOIN people p ON p.person_id = i
        LEFT JOIN person_redirects r ON r.old_person_id = i
        GROUP BY i, p.person_id""", {"ids": sorted(person_ids)})
    return {r["old_id"]: r["new_id"] for r in rows if r["new_id"] is not None}



@dataclass(frozen=True, slots=True)
class PersonIds:
    """What another source needs to find a person: names, namespaced ids, and the organisations (and their
    parents) the person's career facts name."""

    person_id: str
    name: str
    name_variants: list[str]
    author_ids: list[str]
    org_ids: list[str]


def person_ids(store: ResearchStore, person_ids: Collection[str]) -> list[PersonIds]:
    """Names, ids and organisations of the given people (those the store holds), by person id."""
    return store.records(PersonIds, """
        SELECT p.person_id, p.name, p.name_variants, coalesce(p.author_ids, []) AS author_ids,
               coalesce(list(DISTINCT x.org ORDER BY x.org) FILTER (WHERE x.org IS NOT NULL), []) AS org_ids
        FROM people p LEFT JOIN (
            SELECT y.person_id, unnest([y.org_id, o.parent_id]) AS org
            FROM person_years y LEFT JOIN organisations o USING (org_id) WHERE y.org_id IS NOT NULL
        ) x USING (person_id)
        WHERE p.person_id IN (SELECT unnest($ids))
        GROUP BY p.person_id, p.name, p.name_variants, p.author_ids ORDER BY p.person_id""",
                         {"ids": sorted(person_ids)})


def openalex_institutions(store: ResearchStore, org_id: str) -> list[str]:
    """The ROR ids OpenAlex gave for the institutions the store maps onto `org_id` (OpenAlex institution ids
    for those without one), most authorships first."""
    rows = store.rows("""
        SELECT coalesce(ror, institution_id) AS id, count(*) AS n FROM authorship_institutions
        WHERE org_id = ? AND coalesce(ror, institution_id) IS NOT NULL AND coalesce(ror, institution_id) <> ''
        GROUP BY ALL ORDER BY n DESC, id""", [org_id])
    return [str(r["id"]) for r in rows]
