"""Reads of a person's papers for citing them: their strongest accepted work, with venue, year and source."""

from __future__ import annotations

from dataclasses import dataclass

from labscout.research.store import ResearchStore


@dataclass(frozen=True, slots=True)
class CitedPaper:
    paper_id: str
    title: str
    venue: str
    year: int
    presentation: str | None
    source_file: str
    record_index: int


def top_accepted(store: ResearchStore, person_id: str, *, top: int = 3) -> list[CitedPaper]:
    """A person's accepted papers, orals and spotlights first, then the newest."""
    return store.records(CitedPaper, """
        SELECT p.paper_id, p.title, v.name AS venue, p.year, p.presentation, p.source_file, p.record_index
        FROM authorships a JOIN papers p USING (paper_id) JOIN venues v ON v.venue = p.venue
        WHERE a.person_id = ? AND p.decision = 'accepted'
        ORDER BY (p.presentation IN ('oral', 'spotlight')) DESC NULLS LAST, p.year DESC, p.title
        LIMIT ?""", [person_id, top])
