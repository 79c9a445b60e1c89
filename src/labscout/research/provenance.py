"""Which source says so: the sources behind each fact of a person's career, and behind each paper.

A career fact (a person at an organisation in a year) rests on papers; a source says it when it gave the
affiliation on one of them (a paper list's author slot, or OpenAlex's authorship), or when OpenAlex matched
the author to an institution of that organisation on a paper both hold.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from labscout.research.store import ResearchStore

# The sources as a reader names them.
SOURCE_NAMES = {"paperlists": "the paper lists", "openalex": "OpenAlex"}


def source_name(adapter: str) -> str:
    return SOURCE_NAMES.get(adapter, adapter)


@dataclass(frozen=True, slots=True)
class FactSources:
    """The sources that say a person was at `org_id` (None: active, organisation unknown) in `year`."""

    year: int
    org_id: str | None
    sources: list[str]


@dataclass(frozen=True, slots=True)
class PaperSource:
    """One record a paper was read from."""

    paper_id: str
    adapter: str
    source_file: str
    record_index: int
    source_id: str | None
    published: str | None


_FACTS = """
WITH facts AS (
    SELECT y.year, y.org_id, unnest(y.paper_ids) AS paper_id FROM person_years y WHERE y.person_id = $person
), said AS (
    -- The source whose record gave the slot's affiliation: OpenAlex's authorship, else the paper's own record.
    SELECT f.year, f.org_id,
           CASE WHEN a.affiliation_source = 'openalex' THEN 'openalex' ELSE ps.adapter END AS source
    FROM facts f JOIN authorships a ON a.paper_id = f.paper_id AND a.person_id = $person
    JOIN papers p ON p.paper_id = f.paper_id
    JOIN paper_sources ps ON ps.paper_id = p.paper_id AND ps.source_file = p.source_file
         AND ps.record_index = p.record_index
    UNION ALL
    -- OpenAlex agreeing on a paper a list holds: an institution of that organisation on the same slot.
    SELECT f.year, f.org_id, 'openalex' AS source
    FROM facts f JOIN authorships a ON a.paper_id = f.paper_id AND a.person_id = $person
    JOIN authorship_institutions i ON i.paper_id = a.paper_id AND i.author_order = a.author_order
    WHERE i.org_id IS NOT DISTINCT FROM f.org_id
)
SELECT year, org_id, list(DISTINCT source ORDER BY source) AS sources FROM said GROUP BY year, org_id
ORDER BY year, org_id
"""


def career_sources(store: ResearchStore, person_id: str) -> list[FactSources]:
    """Each fact of the person's career timeline with the sources that say it."""
    return store.records(FactSources, _FACTS, {"person": person_id})


def paper_sources(store: ResearchStore, paper_ids: Collection[str]) -> list[PaperSource]:
    """Every record the given papers were read from, in the order the build read them."""
    return store.records(PaperSource, """
        SELECT paper_id, adapter, source_file, record_index, source_id, published FROM paper_sources
        WHERE paper_id IN (SELECT unnest($ids)) ORDER BY paper_id, adapter DESC, source_file, record_index""",
                         {"ids": sorted(paper_ids)})
