"""Who among a group of people wrote together: joint papers per pair, as typed records."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from labscout.research.store import ResearchStore

# Long author lists (benchmarks, consortia) say little about working together.
MAX_AUTHORS = 30


@dataclass(frozen=True, slots=True)
class JointWork:
    person_a: str  # the smaller id of the pair
    person_b: str
    papers: int
    last_year: int


def joint_papers(store: ResearchStore, person_ids: Sequence[str]) -> list[JointWork]:
    """Every pair of these people with at least one joint paper (of at most MAX_AUTHORS authors)."""
    ids = sorted(set(person_ids))
    if len(ids) < 2:
        return []
    rows = store.rows("""
        SELECT a.person_id AS a, b.person_id AS b, count(DISTINCT a.paper_id) AS n, max(p.year) AS last_year
        FROM authorships a JOIN authorships b ON b.paper_id = a.paper_id AND b.person_id > a.person_id
        JOIN papers p ON p.paper_id = a.paper_id
        WHERE a.person_id IN (SELECT unnest(?)) AND b.person_id IN (SELECT unnest(?)) AND p.n_authors <= ?
        GROUP BY ALL ORDER BY a, b""", [ids, ids, MAX_AUTHORS])
    return [JointWork(str(r["a"]), str(r["b"]), int(r["n"]), int(r["last_year"] or 0)) for r in rows]
