"""Reads behind a profile's strongest topics and metrics: a person's or an organisation's papers, weighted."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from labscout.research.store import ResearchStore


@dataclass(frozen=True, slots=True)
class WeightedPaper:
    """A paper's topic words and how much it counts for whoever asked (accepted, presented, recent)."""

    title: str
    keywords: list[str] | None
    primary_area: str | None
    w: float


@dataclass(frozen=True, slots=True)
class PersonMetrics:
    papers: int
    accepted: int
    orals: int
    spotlights: int
    first_author: int
    last_author: int
    mean_rating: float | None
    venues: int


def person_papers(store: ResearchStore, person_id: str) -> list[WeightedPaper]:
    """A person's papers: accepted work and orals count more, and a paper halves its weight every four years."""
    return store.records(WeightedPaper, """
        SELECT p.title, p.keywords, p.primary_area,
               (CASE WHEN p.decision = 'accepted' THEN 1.0 ELSE 0.3 END)
               * (CASE p.presentation WHEN 'oral' THEN 3 WHEN 'spotlight' THEN 2 WHEN 'highlight' THEN 2 ELSE 1 END)
               * pow(0.5, ((SELECT max(year) FROM papers) - p.year) / 4.0) AS w
        FROM authorships a JOIN papers p USING (paper_id) WHERE a.person_id = ?""", [person_id])


def person_metrics(store: ResearchStore, person_id: str) -> PersonMetrics:
    found = store.first_record(PersonMetrics, """
        SELECT count(*) AS papers, count(*) FILTER (WHERE p.decision = 'accepted') AS accepted,
               count(*) FILTER (WHERE p.presentation = 'oral') AS orals,
               count(*) FILTER (WHERE p.presentation IN ('spotlight', 'highlight')) AS spotlights,
               count(*) FILTER (WHERE a.author_order = 0) AS first_author,
               count(*) FILTER (WHERE a.author_order = p.n_authors - 1 AND p.n_authors > 1) AS last_author,
               round(avg(p.rating_avg), 2) AS mean_rating, count(DISTINCT p.venue) AS venues
        FROM authorships a JOIN papers p USING (paper_id) WHERE a.person_id = ?""", [person_id])
    assert found is not None  # an aggregate always gives one row
    return found


def org_recent_papers(store: ResearchStore, org_ids: Collection[str], *, years: int = 3) -> list[WeightedPaper]:
    """Papers written at any of `org_ids` in the last `years` years before the newest, split among their authors."""
    return store.records(WeightedPaper, """
        SELECT p.title, p.keywords, p.primary_area,
               (CASE WHEN p.decision = 'accepted' THEN 1.0 ELSE 0.3 END) / p.n_authors AS w
        FROM authorships a JOIN papers p USING (paper_id)
        WHERE a.org_id IN (SELECT unnest(?)) AND p.year >= (SELECT max(year) - ? FROM papers)""",
        [sorted(org_ids), years])
