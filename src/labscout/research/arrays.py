"""Whole-store reads for the search index: every paper, author and person as Arrow columns, in id order.

`talent.index` turns them into the compact arrays expert search scores from; both lists are ordered by id
here, so positions agree between papers, their authors and people.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from labscout.research.store import ResearchStore


@dataclass(frozen=True, slots=True)
class PaperText:
    """What the full-text index reads of a paper."""

    title: str | None
    keywords: list[str] | None
    primary_area: str | None
    year: int


@dataclass(frozen=True, slots=True)
class OrgFacts:
    name: str
    kind: str | None
    country: str | None
    parent_id: str | None


def build_info(store: ResearchStore) -> dict[str, str]:
    """What the build recorded about itself (when, schema version, ...)."""
    return {r["key"]: r["value"] for r in store.rows("SELECT key, value FROM build_info")}


def paper_texts(store: ResearchStore) -> list[PaperText]:
    return store.records(PaperText, "SELECT title, keywords, primary_area, year FROM papers ORDER BY paper_id")


def paper_table(store: ResearchStore) -> pa.Table:
    return store.con.sql("""SELECT paper_id, year, venue, decision, presentation, rating_avg, n_authors, title
                            FROM papers ORDER BY paper_id""").to_arrow_table()


def author_positions(store: ResearchStore) -> pa.Table:
    """(person position, author order) of every authorship, papers in id order, authors in paper order."""
    return store.con.sql("""
        WITH pi AS (SELECT paper_id, row_number() OVER (ORDER BY paper_id) - 1 AS i FROM papers),
             qi AS (SELECT person_id, row_number() OVER (ORDER BY person_id) - 1 AS j FROM people)
        SELECT qi.j, a.author_order FROM authorships a JOIN pi USING (paper_id) JOIN qi USING (person_id)
        ORDER BY pi.i, a.author_order""").to_arrow_table()


def author_counts(store: ResearchStore) -> list[int]:
    """How many authorships each paper has, papers in id order."""
    counts: list[int] = store.con.sql("""SELECT count(a.paper_id) FROM papers p LEFT JOIN authorships a
                                         USING (paper_id) GROUP BY p.paper_id ORDER BY p.paper_id""") \
        .to_arrow_table().column(0).to_pylist()
    return counts


def people_table(store: ResearchStore) -> pa.Table:
    return store.con.sql("""SELECT person_id, name, first_year, last_year, latest_org_id, latest_org_year,
                                   latest_position FROM people ORDER BY person_id""").to_arrow_table()


def org_facts(store: ResearchStore) -> dict[str, OrgFacts]:
    return {r[0]: OrgFacts(r[1], r[2], r[3], r[4]) for r in store.con.execute(
        "SELECT org_id, name, kind, country, parent_id FROM organisations").fetchall()}


def venue_names(store: ResearchStore) -> dict[str, str]:
    return dict(store.con.execute("SELECT venue, name FROM venues").fetchall())
