"""Which author each affiliation slot of an OpenReview profile export belongs to, when the file does not say.

Papercopilot builds `aff`, `aff_domain` and `position` of OpenReview venues from the authors' profiles, not
from the paper. Its files with an `or_profile` column show the order the slots really follow (checked on
every such paper of CoLM 2024 and CoRL 2021-2024, 194 of 194 that differ from the author order): first the
authors whose id on the paper is their profile's preferred id, in author order; then the authors whose id is
another name of their profile (`~Ruslan_Salakhutdinov1` for `~Russ_Salakhutdinov1`), in author order;
authors without a profile (an e-mail id, or no history) have no slot at all, so the list is shorter.

Files without `or_profile` (ICLR 2019-2021, NeurIPS 2021, ICML 2023-2024, EMNLP 2023) keep that order but not
the key to it. Pairing slot i with author i there hands one author's institution and position to another:
Sergey Levine became "Carnegie Mellon University, Full Professor" on a paper with Salakhutdinov, whose
non-preferred id sends his slot to the end. What makes the order recoverable is that within one file every
slot of a profile holds the same value (the profile was read once; 100% of repeated ids in the files with
`or_profile`): an author's other papers in the file say which slot is theirs, and a fellow author's say who
was moved to the end or had no slot.

So each paper's possible orders (any one or two authors moved to the end; the right number of authors
without a slot) are scored by how well they give each author the value their other papers in the file give
them, a little against each author moved. An author is paired only when every order within reach of the best
gives them the same value: measured on the files with `or_profile` (order hidden), 99% of the pairings made
so are right, against 88% for pairing by author order where no evidence decides. The rest stay paper-level.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter

from labscout.sources.records import AuthorMention

Slot = tuple[str, str, str]
"""One profile slot as listed: (affiliation, domain, position); empty strings where the file has none."""

# An order that moves an author to the end costs this much evidence: with none at all, the author order
# and each order moving one author stay within reach (so only values they agree on are paired); two moved
# authors need evidence.
_MOVE_COST = 0.3
_WITHIN_REACH = 0.5
_MAX_MOVED = 2
_MAX_MISSING = 3
_MAX_ORDERS = 600
_ROUNDS = 3

# Assignment of one order: for each profiled author, the index of their slot, or -1 for no slot.
_Order = tuple[int, ...]


@dataclass(slots=True)
class ProfileSlots:
    """A paper whose slots follow the export's profile order: its profiled authors and the slots listed."""

    owners: list[AuthorMention]  # the authors with an OpenReview id, in author order
    slots: list[Slot]
    # The slot of each owner where the file names it (`or_profile`): such papers are evidence, not questions.
    known: tuple[int, ...] | None = None
    # Filled by `pair_in_file`: for each owner, the slot index it gets (or None: not determined).
    org_slot: list[int | None] = field(default_factory=list)
    position_slot: list[int | None] = field(default_factory=list)


@lru_cache(maxsize=4096)
def _orders(owners: int, slots: int) -> tuple[tuple[_Order, int], ...] | None:
    """Every order the export can produce for `owners` profiled authors and `slots` slots, with how many
    authors it moves to the end; None when there are too many to weigh."""
    missing = owners - slots
    if missing < 0 or missing > _MAX_MISSING:
        return None
    found: list[tuple[_Order, int]] = []
    everyone = range(owners)
    for absent in itertools.combinations(everyone, missing):
        present = [i for i in everyone if i not in absent]
        # With authors missing too, one moved author is as far as the evidence usually reaches.
        for moved_count in range(min(_MAX_MOVED if not missing else 1, len(present)) + 1):
            for moved in itertools.combinations(present, moved_count):
                # Moving the last authors to the end changes nothing: that order is already counted.
                if moved_count and moved == tuple(present[-moved_count:]):
                    continue
                sequence = [i for i in present if i not in moved] + list(moved)
                assign = [-1] * owners
                for slot, owner in enumerate(sequence):
                    assign[owner] = slot
                found.append((tuple(assign), moved_count))
                if len(found) > _MAX_ORDERS:
                    return None
    return tuple(found)


def pair_in_file(papers: Sequence[ProfileSlots]) -> None:
    """Decide, for every paper of one file, which slot each profiled author holds (see the module doc)."""
    values: dict[Slot, int] = {}
    slot_ids = [[values.setdefault(s, len(values)) for s in p.slots] for p in papers]
    org_ids: dict[tuple[str, str], int] = {}
    org_of_value = {v: org_ids.setdefault((s[0], s[1]), len(org_ids)) for s, v in values.items()}
    owner_ids = [[a.openreview_id or "" for a in p.owners] for p in papers]
    # Papers by the same authors make the same choice of order, so they are no evidence for each other.
    groups = [frozenset(ids) for ids in owner_ids]
    orders = [((p.known, 0),) if p.known is not None else _orders(len(p.owners), len(p.slots)) for p in papers]
    # What each paper says about its authors: at first the author order where the counts allow it; then
    # the best order where every author has a slot, and only the agreed values where some have none.
    said: list[list[int | None]] = []
    for paper, ids, slots, options in zip(papers, owner_ids, slot_ids, orders, strict=True):
        if paper.known is not None:
            said.append([slots[i] if i >= 0 else None for i in paper.known])
        elif len(ids) == len(slots) and options is not None:
            said.append(list(slots))
        else:
            said.append([])
    within: list[list[_Order]] = [[] for _ in papers]
    for _ in range(_ROUNDS):
        seen, by_group = _evidence(said, owner_ids, groups)
        for n, options in enumerate(orders):
            if options is None or papers[n].known is not None:
                continue
            best, within[n] = _weigh(options, owner_ids[n], slot_ids[n], seen, by_group, groups[n])
            if len(owner_ids[n]) == len(slot_ids[n]):
                said[n] = [slot_ids[n][slot] for slot in best]
            else:
                agreed = _agreed(within[n], slot_ids[n], None)
                said[n] = [slot_ids[n][slot] if slot is not None else None for slot in agreed]
    for n, paper in enumerate(papers):
        if paper.known is not None:
            paper.org_slot = paper.position_slot = [i if i >= 0 else None for i in paper.known]
        elif orders[n] is None:
            paper.org_slot = [None] * len(paper.owners)
            paper.position_slot = [None] * len(paper.owners)
        else:
            paper.org_slot = _agreed(within[n], slot_ids[n], org_of_value)
            paper.position_slot = _agreed(within[n], slot_ids[n], None)


_Counts = dict[str, Counter[int]]


def _evidence(said: Sequence[list[int | None]], owner_ids: Sequence[list[str]], groups: Sequence[frozenset[str]]
              ) -> tuple[_Counts, dict[frozenset[str], _Counts]]:
    """For every profile id, how often each value is said of it: in all, and by each group of authors."""
    seen: _Counts = defaultdict(Counter)
    by_group: dict[frozenset[str], _Counts] = defaultdict(lambda: defaultdict(Counter))
    for values, ids, group in zip(said, owner_ids, groups, strict=True):
        for profile, value in zip(ids, values, strict=False):
            if value is not None:
                seen[profile][value] += 1
                by_group[group][profile][value] += 1
    return seen, by_group


def _weigh(options: tuple[tuple[_Order, int], ...], ids: list[str], slots: list[int], seen: _Counts,
           by_group: dict[frozenset[str], _Counts], group: frozenset[str]) -> tuple[_Order, list[_Order]]:
    """The best order of one paper and every order within reach of it."""
    own = by_group.get(group, {})
    owners: list[int] = []
    # For each author with evidence, what each slot (and, last, having none) would score: +1 when all
    # their other papers give them that value, -1 when none does.
    scores: list[list[float]] = []
    for owner, profile in enumerate(ids):
        counts = seen.get(profile)
        if counts is None:
            continue
        mine = own.get(profile)
        total = counts.total() - (mine.total() if mine else 0)
        if total <= 0:
            continue
        owners.append(owner)
        scores.append([(2 * (counts[v] - (mine[v] if mine else 0)) - total) / total for v in slots] + [-1.0])
    if not owners:
        return _unwitnessed(options)
    scored: list[tuple[float, _Order]] = []
    if len(owners) == 1:
        (first,), (table,) = owners, scores
        scored = [(table[order[first]] - _MOVE_COST * moved, order) for order, moved in options]
    else:
        pick = itemgetter(*owners)
        for order, moved in options:
            held = pick(order)
            scored.append((sum(map(_at, scores, held)) - _MOVE_COST * moved, order))
    top = max(score for score, _ in scored)
    within = [order for score, order in scored if score >= top - _WITHIN_REACH]
    best = next(order for score, order in scored if score == top)
    return best, within


def _at(table: list[float], slot: int) -> float:
    return table[slot]


@lru_cache(maxsize=4096)
def _unwitnessed(options: tuple[tuple[_Order, int], ...]) -> tuple[_Order, list[_Order]]:
    """Where no author has other papers in the file, only the cost of moving authors ranks the orders."""
    best = min(options, key=lambda option: option[1])[0]
    return best, [order for order, moved in options if _MOVE_COST * moved <= _WITHIN_REACH]


def _agreed(within: Sequence[_Order], slots: list[int], org_of: dict[int, int] | None) -> list[int | None]:
    """For each author, a slot whose value (or organisation) every order within reach gives them, if any."""
    result: list[int | None] = []
    for owner in range(len(within[0])):
        keys = set()
        first_slot = within[0][owner]
        for order in within:
            slot = order[owner]
            if slot < 0:
                keys.add(-1)
            else:
                keys.add(org_of[slots[slot]] if org_of is not None else slots[slot])
            if len(keys) > 1:
                break
        result.append(first_slot if len(keys) == 1 and first_slot >= 0 else None)
    return result
