"""Whole-store reads for the search index: every paper's text and facts, who wrote what, every person.

Search scores hundreds of thousands of papers per query, so these reads return columns (Arrow), not one
record per row; each is a typed, frozen bundle of columns in a fixed order (papers by paper id, people by
person id) that `talent.index` keeps position for position.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from labscout.research.store import ResearchStore


@dataclass(frozen=True, slots=True)
class PaperText:
    """What a paper says about itself, for the full-text index."""

    title: str
    abstract: str | None
    tldr: str | None
    keywords: list[str]
    primary_area: str | None
    track: str | None
    year: int


@dataclass(frozen=True, slots=True)
class PaperFacts:
    """Per paper, ordered by paper id: paper_id, title, venue, year, decision, presentation, rating_avg,
    citations, n_authors."""

    table: pa.Table


@dataclass(frozen=True, slots=True)
class Authorships:
    """Per authorship, ordered by paper then author order: the paper's and the person's positions in
    `PaperFacts` and `PeopleFacts`, and the author order."""

    paper: pa.Array
    person: pa.Array
    order: pa.Array


@dataclass(frozen=True, slots=True)
class PeopleFacts:
    """Per person, ordered by person id: person_id, name, first_year, last_year, latest_org_id,
    latest_org_year, latest_position, n_accepted."""

    table: pa.Table


OrgFacts = tuple[str, str | None, str | None, str | None]
"""An organisation's (name, kind, country, parent id)."""


def build_info(store: ResearchStore) -> dict[str, str]:
    """What the build recorded about itself: when, from which paths, with which adapters and corrections."""
    return {r["key"]: r["value"] for r in store.rows("SELECT key, value FROM build_info")}


def build_stamp(store: ResearchStore) -> str:
    """Which build made the store: the papers (and so the text index) change only with a new build. The
    build's own id where it has one: `built_at` steps by the second, and two builds within one must differ."""
    row = store.one("SELECT value FROM build_info WHERE key = 'build_id'") or \
        store.one("SELECT value FROM build_info WHERE key = 'built_at'")
    return str(row["value"]) if row else ""


def file_stamp(store: ResearchStore) -> str:
    """Changes whenever the store file is replaced (a build or an identity correction)."""
    st = os.stat(store.path)
    return f"{st.st_ino}-{st.st_mtime_ns}-{st.st_size}"


def paper_texts(store: ResearchStore, batch: int = 20_000) -> Iterator[PaperText]:
    """Every paper's text, ordered by paper id, read in batches (abstracts are most of the store)."""
    cursor = store.con.execute("""SELECT title, abstract, tldr, keywords, primary_area, track, year
                                  FROM papers ORDER BY paper_id""")
    while rows := cursor.fetchmany(batch):
        for title, abstract, tldr, keywords, area, track, year in rows:
            yield PaperText(title or "", abstract, tldr, list(keywords or []), area, track, int(year))


def paper_facts(store: ResearchStore) -> PaperFacts:
    return PaperFacts(store.con.sql("""
        SELECT paper_id, title, venue, year, decision, presentation, rating_avg, citations, n_authors
        FROM papers ORDER BY paper_id""").to_arrow_table())


def people_facts(store: ResearchStore) -> PeopleFacts:
    return PeopleFacts(store.con.sql("""
        SELECT person_id, name, first_year, last_year, latest_org_id, latest_org_year, latest_position, n_accepted
        FROM people ORDER BY person_id""").to_arrow_table())


def authorships(store: ResearchStore, paper_ids: pa.Array, person_ids: pa.Array) -> Authorships:
    """Who wrote what, as positions in the given (sorted) id columns."""
    table = store.con.sql("""SELECT paper_id, person_id, author_order FROM authorships
                             ORDER BY paper_id, author_order""").to_arrow_table()
    paper = pc.index_in(table.column("paper_id"), value_set=paper_ids)
    person = pc.index_in(table.column("person_id"), value_set=person_ids)
    return Authorships(paper.combine_chunks(), person.combine_chunks(),
                       table.column("author_order").combine_chunks())


def organisations(store: ResearchStore) -> dict[str, OrgFacts]:
    """Org id -> (name, kind, country, parent id), for every organisation (read as columns: tens of thousands)."""
    table = store.con.sql("SELECT org_id, name, kind, country, parent_id FROM organisations").to_arrow_table()
    cols = [table.column(name).to_pylist() for name in ("name", "kind", "country", "parent_id")]
    return dict(zip(table.column("org_id").to_pylist(), zip(*cols, strict=True), strict=True))


def venue_names(store: ResearchStore) -> dict[str, str]:
    return dict(store.con.execute("SELECT venue, name FROM venues").fetchall())


def paper_keywords(store: ResearchStore, paper_ids: list[str]) -> dict[str, tuple[str, list[str], str]]:
    """Paper id -> (title, keywords, first author's name as printed, lower case)."""
    rows = store.con.execute("""SELECT p.paper_id, p.title, p.keywords, lower(a.raw_name) FROM papers p
                                JOIN authorships a ON a.paper_id = p.paper_id AND a.author_order = 0
                                WHERE p.paper_id IN (SELECT unnest(?))""", [paper_ids]).fetchall()
    return {r[0]: (r[1], list(r[2] or []), r[3]) for r in rows}


def raw_author_names(store: ResearchStore, paper_ids: pa.Array) -> tuple[pa.Array, list[str]]:
    """Per authorship (paper order): the paper's position and the name as printed, for name-only baselines."""
    table = store.con.sql("""SELECT paper_id, lower(raw_name) AS name FROM authorships
                             ORDER BY paper_id, author_order""").to_arrow_table()
    return (pc.index_in(table.column("paper_id"), value_set=paper_ids).combine_chunks(),
            table.column("name").to_pylist())


def same_work(store: ResearchStore, paper_ids: list[str]) -> list[str]:
    """Other records of the same work as these papers: the same title (letters and digits, any case) with an
    author in common (a workshop version, a resubmission): hidden with them in a leave-one-out test."""
    return [r[0] for r in store.con.execute("""
        WITH h AS (SELECT paper_id, regexp_replace(lower(title), '[^a-z0-9]', '', 'g') AS t FROM papers
                   WHERE paper_id IN (SELECT unnest(?)))
        SELECT DISTINCT o.paper_id FROM h JOIN authorships ha ON ha.paper_id = h.paper_id
        JOIN authorships oa ON oa.person_id = ha.person_id AND oa.paper_id <> h.paper_id
        JOIN papers o ON o.paper_id = oa.paper_id AND regexp_replace(lower(o.title), '[^a-z0-9]', '', 'g') = h.t
        ORDER BY o.paper_id""", [paper_ids]).fetchall()]


def people_with_openreview_ids(store: ResearchStore) -> set[str]:
    return {r[0] for r in store.con.execute(
        "SELECT person_id FROM people WHERE openreview_ids IS NOT NULL AND len(openreview_ids) > 0").fetchall()}


def held_out_candidates(store: ResearchStore, min_other_accepted: int = 3) -> list[tuple[str, str]]:
    """(paper id, first author's person id) of accepted papers whose first author has an OpenReview id and at
    least `min_other_accepted` other accepted papers: the papers a leave-one-out test may hide."""
    return [(r[0], r[1]) for r in store.con.execute("""
        SELECT p.paper_id, a.person_id FROM papers p JOIN authorships a USING (paper_id)
        JOIN people q USING (person_id)
        WHERE p.decision = 'accepted' AND a.author_order = 0 AND a.openreview_id IS NOT NULL
          AND q.n_accepted - 1 >= ? ORDER BY p.paper_id""", [min_other_accepted]).fetchall()]
