"""Reads of the co-author network: who wrote with whom, how often and how recently, and on which papers."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from labscout.research.store import ResearchStore


@dataclass(frozen=True, slots=True)
class CoauthorEdge:
    """`src` wrote `joint` papers with `dst`; `strength` weighs each by its age (halving every half-life)."""

    src: str
    dst: str
    strength: float
    joint: int


@dataclass(frozen=True, slots=True)
class JointPaper:
    paper_id: str
    title: str
    year: int


@dataclass(frozen=True, slots=True)
class SharedCoauthor:
    """Someone two people both wrote with."""

    person_id: str
    name: str
    joint_papers: int


def latest_paper_year(store: ResearchStore) -> int:
    row = store.one("SELECT max(year) AS y FROM papers")
    return int(row["y"]) if row and row["y"] is not None else 0


def coauthor_edges(store: ResearchStore, people: Sequence[str], *, now: int, half_life_years: float,
                   max_authors: int) -> list[CoauthorEdge]:
    """Every co-author of each of `people` on papers of at most `max_authors` authors, with the pair's strength."""
    return store.records(CoauthorEdge, f"""
        SELECT a.person_id AS src, b.person_id AS dst,
               sum(pow(0.5, (? - p.year) / {float(half_life_years)})) AS strength, count(*) AS joint
        FROM authorships a JOIN authorships b ON b.paper_id = a.paper_id AND b.person_id <> a.person_id
        JOIN papers p ON p.paper_id = a.paper_id
        WHERE a.person_id IN (SELECT unnest(?)) AND p.n_authors <= {int(max_authors)}
        GROUP BY ALL""", [now, list(people)])


def joint_papers(store: ResearchStore, pairs: Collection[tuple[str, str]], *, per_pair: int = 5,
                 ) -> dict[tuple[str, str], list[JointPaper]]:
    """The papers each pair wrote together, newest first, at most `per_pair` of them."""
    ordered = sorted(pairs)
    found: dict[tuple[str, str], list[JointPaper]] = {}
    # One query for every pair: the joint papers of each, newest first.
    for r in store.rows("""
            WITH pairs AS (SELECT unnest(?) AS a, unnest(?) AS b)
            SELECT pairs.a, pairs.b, p.paper_id, p.title, p.year
            FROM pairs JOIN authorships x ON x.person_id = pairs.a
            JOIN authorships y ON y.person_id = pairs.b AND y.paper_id = x.paper_id
            JOIN papers p ON p.paper_id = x.paper_id
            ORDER BY pairs.a, pairs.b, p.year DESC, p.title""", [[a for a, _ in ordered], [b for _, b in ordered]]):
        papers = found.setdefault((r["a"], r["b"]), [])
        if len(papers) < per_pair:
            papers.append(JointPaper(r["paper_id"], r["title"], r["year"]))
    return found


_COAUTHORS = """SELECT b.person_id, count(DISTINCT b.paper_id) AS joint_papers
                FROM authorships a JOIN authorships b ON b.paper_id = a.paper_id AND b.person_id <> a.person_id
                WHERE a.person_id = ? GROUP BY b.person_id"""


def frequent_coauthors(store: ResearchStore, person_id: str, *, top: int = 5) -> list[SharedCoauthor]:
    """The people `person_id` wrote with most often."""
    return store.records(SharedCoauthor, f"""
        SELECT c.person_id, pe.name, c.joint_papers FROM ({_COAUTHORS}) c JOIN people pe USING (person_id)
        ORDER BY c.joint_papers DESC, pe.name LIMIT {int(top)}""", [person_id])


def shared_coauthors(store: ResearchStore, person_id: str, other_id: str, *, top: int = 5,
                     ) -> list[SharedCoauthor]:
    """People both `person_id` and `other_id` wrote with; `joint_papers` counts those with `person_id`."""
    return store.records(SharedCoauthor, f"""
        SELECT c.person_id, pe.name, c.joint_papers FROM ({_COAUTHORS}) c
        JOIN ({_COAUTHORS}) s USING (person_id) JOIN people pe USING (person_id)
        WHERE c.person_id <> ?
        ORDER BY c.joint_papers + s.joint_papers DESC, pe.name LIMIT {int(top)}""",
        [person_id, other_id, other_id])
