"""What a careful user's corrections do: fix the N largest errors the hidden ids reveal, then measure again.

The user sees a person holding two people's papers and splits off the smaller one, or sees one person in
two pieces and merges them. Errors are ranked by the mention pairs they get wrong; each correction names only
the mentions of the person it is about, as a careful user would. After resolving again with the corrections
as constraints we check that each fixed what it names and count the pairs elsewhere that changed for the worse.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from math import comb
from typing import Any

from labscout.identity.bcubed import BCubed, bcubed
from labscout.identity.cluster import Mention, resolve_people
from labscout.identity.constraints import PersonCorrection, compile_person_constraints


@dataclass(frozen=True, slots=True)
class SimulatedRun:
    """B-cubed before and after applying the `corrections` largest errors as corrections."""

    corrections: int
    before: BCubed
    after: BCubed
    fixed: int               # corrections whose mentions came out as they say
    broken_pairs: int        # pairs of mentions no correction names, right before and wrong after


def largest_errors(labels: Sequence[int], gold: Mapping[int, Hashable], keys: Sequence[str],
                   limit: int) -> list[PersonCorrection]:
    """Corrections for the `limit` errors that get the most mention pairs wrong, largest first."""
    clusters: dict[int, dict[Hashable, list[int]]] = defaultdict(lambda: defaultdict(list))
    for i, person in gold.items():
        clusters[labels[i]][person].append(i)
    found: list[tuple[int, str, PersonCorrection]] = []
    for label, people in clusters.items():
        if len(people) < 2:
            continue
        majority = max(people, key=lambda p: (len(people[p]), str(p)))
        for person, idx in people.items():
            if person == majority:
                continue
            rest = [i for p, other in people.items() if p != person for i in other]
            found.append((len(idx) * len(rest), f"split {label} {person}", PersonCorrection(
                "", "split", frozenset(keys[i] for i in idx), frozenset(keys[i] for i in rest))))
    parts: dict[Hashable, list[list[int]]] = defaultdict(list)
    for people in clusters.values():
        for person, idx in people.items():
            parts[person].append(idx)
    for person, pieces in parts.items():
        if len(pieces) < 2:
            continue
        pieces.sort(key=len, reverse=True)
        for piece in pieces[1:]:
            found.append((len(pieces[0]) * len(piece), f"merge {person} {min(piece)}", PersonCorrection(
                "", "merge", frozenset(keys[i] for i in (*pieces[0], *piece)))))
    found.sort(key=lambda item: (-item[0], item[1]))
    return [PersonCorrection(f"sim{n}", c.kind, c.together, c.apart)
            for n, (_size, _what, c) in enumerate(found[:limit], 1)]


def simulate(mentions: Sequence[Mention], keys: Sequence[str], gold: Mapping[int, Hashable],
             before: Sequence[int], limit: int) -> SimulatedRun:
    """Apply the `limit` largest errors of `before` as corrections and resolve again."""
    corrections = largest_errors(before, gold, keys, limit)
    constraints = compile_person_constraints(corrections, keys)
    after = resolve_people(mentions, constraints=constraints).labels
    scored = sorted(gold)
    truth = [gold[i] for i in scored]
    index = {key: i for i, key in enumerate(keys)}
    fixed = sum(_holds(c, after, index) for c in corrections)
    named = {index[k] for c in corrections for k in (*c.together, *c.apart)}
    untouched = [i for i in scored if i not in named]
    return SimulatedRun(
        corrections=len(corrections),
        before=bcubed([before[i] for i in scored], truth),
        after=bcubed([after[i] for i in scored], truth),
        fixed=fixed,
        broken_pairs=_broken_pairs([(gold[i], before[i], after[i]) for i in untouched]),
    )


def _holds(c: PersonCorrection, labels: Sequence[int], index: dict[str, int]) -> bool:
    together = {labels[index[k]] for k in c.together}
    apart = {labels[index[k]] for k in c.apart}
    return len(together) == 1 and together.isdisjoint(apart)


def _pairs(counts: Mapping[Any, int]) -> int:
    return sum(comb(n, 2) for n in counts.values())


def _broken_pairs(rows: Sequence[tuple[Hashable, int, int]]) -> int:
    """Pairs that were right before and are wrong after: a person torn apart, or two people newly joined."""
    g_b = Counter((g, b) for g, b, _ in rows)
    g_b_a = Counter((g, b, a) for g, b, a in rows)
    a_ = Counter(a for _, _, a in rows)
    a_g = Counter((a, g) for g, _, a in rows)
    a_b = Counter((a, b) for _, b, a in rows)
    a_b_g = Counter((a, b, g) for g, b, a in rows)
    torn = _pairs(g_b) - _pairs(g_b_a)
    # Same person after but different people: those that were also together before were wrong already.
    joined = (_pairs(a_) - _pairs(a_g)) - (_pairs(a_b) - _pairs(a_b_g))
    return torn + joined
