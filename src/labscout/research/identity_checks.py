"""Checks of person resolution on a built store, where no gold is needed.

Two people of one name who both wrote three or more papers and share three or more co-authors are, most of
the time, one researcher in two pieces: the count of such pairs is a symptom a store shows of itself. (Two
different people of one common name in one lab do exist, so the count is a place to look, not a verdict.)
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from labscout.identity.names import normalise_name
from labscout.research.store import ResearchStore


@dataclass(frozen=True, slots=True)
class SameNamePair:
    """Two people of one name who share co-authors."""

    name: str
    person_a: str
    papers_a: int
    person_b: str
    papers_b: int
    shared_coauthors: int


@dataclass(frozen=True, slots=True)
class SameNameOverlap:
    """Pairs of people of one (normalised) name, `min_papers`+ papers each, `min_shared`+ co-authors shared."""

    min_papers: int
    min_shared: int
    pairs: int
    # Pairs of which one person has `prominent`+ papers: the people a recruiter looks for.
    with_prominent: int
    prominent: int
    examples: tuple[SameNamePair, ...]


def same_name_overlap(store: ResearchStore, *, min_papers: int = 3, min_shared: int = 3, prominent: int = 20,
                      examples: int = 50) -> SameNameOverlap:
    """Count (and list the largest of) the same-name pairs of people who share co-authors."""
    people = store.con.execute("SELECT person_id, name, n_papers FROM people WHERE n_papers >= ?",
                               [min_papers]).fetchall()
    by_name: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for person_id, name, n_papers in people:
        by_name[normalise_name(name)].append((person_id, int(n_papers)))
    groups = {name: sorted(found) for name, found in by_name.items() if len(found) > 1}
    wanted = sorted(person for found in groups.values() for person, _ in found)
    coauthors: dict[str, set[str]] = defaultdict(set)
    if wanted:
        rows = store.con.execute("""
            SELECT DISTINCT a.person_id, b.person_id
            FROM authorships a JOIN authorships b ON b.paper_id = a.paper_id AND b.person_id <> a.person_id
            WHERE a.person_id IN (SELECT unnest(?))""", [wanted]).fetchall()
        for person, other in rows:
            coauthors[person].add(other)
    found_pairs: list[SameNamePair] = []
    for name, members in sorted(groups.items()):
        for k, (a, na) in enumerate(members):
            for b, nb in members[k + 1:]:
                shared = len(coauthors[a] & coauthors[b])
                if shared >= min_shared:
                    found_pairs.append(SameNamePair(name, a, na, b, nb, shared))
    found_pairs.sort(key=lambda p: (-max(p.papers_a, p.papers_b), -p.shared_coauthors, p.person_a, p.person_b))
    return SameNameOverlap(
        min_papers=min_papers, min_shared=min_shared, pairs=len(found_pairs),
        with_prominent=sum(1 for p in found_pairs if max(p.papers_a, p.papers_b) >= prominent),
        prominent=prominent, examples=tuple(found_pairs[:examples]),
    )
