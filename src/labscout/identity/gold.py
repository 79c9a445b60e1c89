"""The gold people person resolution is measured against: OpenReview ids, with proven duplicates joined.

One person sometimes holds two OpenReview profiles (~Fei_Huang1 and ~Fei_Huang2). Counting each profile as a
person of its own makes every right join of the two a precision error. A join is proven when the two ids
print one profile link in the data (the same dblp person page, Google Scholar profile or ORCID in some
author slot of each): evidence that is the person's own, not a guess of ours. Nothing else is joined, so
the gold stays a function of the sources that anyone can check.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from networkx.utils import UnionFind

from labscout.sources.ids import profile_link_ids
from labscout.sources.records import PaperRecord


def proven_duplicates(records: Iterable[PaperRecord]) -> list[tuple[str, str]]:
    """Pairs of OpenReview ids (sorted) that print a shared profile link somewhere in `records`."""
    holders: dict[str, set[str]] = {}
    for record in records:
        for author in record.authors:
            profile = author.openreview_id
            if profile is None or not author.links:
                continue
            for link in profile_link_ids(author.links):
                holders.setdefault(link, set()).add(profile)
    pairs: set[tuple[str, str]] = set()
    for ids in holders.values():
        ordered = sorted(ids)
        pairs.update((ordered[0], other) for other in ordered[1:])
    return sorted(pairs)


def joined_gold(ids: Sequence[str], duplicates: Iterable[tuple[str, str]]) -> list[str]:
    """Each mention's gold person once the duplicate pairs are joined: the smallest id of its person."""
    sets = UnionFind(sorted(set(ids)))
    for a, b in duplicates:
        if a in sets.parents and b in sets.parents:
            sets.union(a, b)
    smallest: dict[str, str] = {}
    for person in sorted(sets.parents):
        smallest.setdefault(sets[person], person)
    return [smallest[sets[person]] for person in ids]
