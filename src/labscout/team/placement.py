"""Where people sit, on plain records: priority near leadership, collaborators near each other.

Cost of a placement = priority cost + collaboration x collaboration cost, where
  priority cost      = sum over people of weight_p x distance from their desk to the nearest leadership desk
  collaboration cost = sum over tied pairs of strength_pq x distance between their desks.
The method, in two steps:
 1. Priority, exactly: the assignment problem min sum weight_p x distance_d (each person one desk, each desk at
    most one person) solved as a linear program by HiGHS; its constraint matrix is totally unimodular, so the
    optimum is a whole assignment and the priority cost it reaches is the true minimum.
 2. Collaboration, by local search: starting from that assignment, pairwise swaps (and moves to empty desks) are
    made while they lower the whole cost and keep the priority cost within `tolerance` of its minimum (0 keeps
    it exact); the first `fixed_top` people by priority (the head of research) never move. It stops when no
    swap improves: a local optimum, not a proven one.
"""

from __future__ import annotations

import math
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field

from labscout.team import mip


@dataclass(frozen=True, slots=True)
class Sitter:
    key: int
    weight: float  # priority: the larger, the closer to leadership
    pinned: str | None = None  # a desk the floor plan gives this person


@dataclass(frozen=True, slots=True)
class Layout:
    desks: dict[str, tuple[float, float]]  # desks people may get (leadership desks left out)
    leadership: list[tuple[float, float]]
    sitters: list[Sitter]  # in priority order, first = highest
    ties: dict[tuple[int, int], float] = field(default_factory=dict)  # (key a < key b) -> strength
    collaboration: float = 1.0
    tolerance: float = 0.05
    fixed_top: int = 1


@dataclass(frozen=True, slots=True)
class Placement:
    seats: dict[int, str]
    priority_cost: float
    priority_optimum: float
    collaboration_cost: float
    collaboration_start: float  # at the exact priority assignment, before the local search
    objective: float
    swaps: int
    seconds: float


def to_leadership(layout: Layout) -> dict[str, float]:
    """Each desk's distance to the nearest leadership desk."""
    return {d: min(math.dist(xy, lead) for lead in layout.leadership) for d, xy in layout.desks.items()}


def _neighbours(layout: Layout) -> dict[int, list[tuple[int, float]]]:
    found: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for (a, b), strength in layout.ties.items():
        found[a].append((b, strength))
        found[b].append((a, strength))
    return found


def costs(layout: Layout, seats: dict[int, str]) -> tuple[float, float]:
    """(priority cost, collaboration cost) of a placement."""
    lead = to_leadership(layout)
    priority = sum(s.weight * lead[seats[s.key]] for s in layout.sitters if s.key in seats)
    together = sum(strength * math.dist(layout.desks[seats[a]], layout.desks[seats[b]])
                   for (a, b), strength in layout.ties.items() if a in seats and b in seats)
    return priority, together


def _result(layout: Layout, seats: dict[int, str], optimum: float, start: float, swaps: int,
            started: float) -> Placement:
    priority, together = costs(layout, seats)
    return Placement(seats, priority, optimum, together, start, priority + layout.collaboration * together, swaps,
                     time.perf_counter() - started)


def exact_priority(layout: Layout) -> dict[int, str]:
    """The assignment minimising the priority cost, pinned people at their desks."""
    lead = to_leadership(layout)
    seats = {s.key: s.pinned for s in layout.sitters if s.pinned}
    free = [d for d in layout.desks if d not in set(seats.values())]
    movers = [s for s in layout.sitters if not s.pinned]
    if not movers:
        return seats
    model = mip.Model()
    column: dict[tuple[int, str], int] = {}
    for s in movers:
        for d in free:
            column[(s.key, d)] = model.column(s.weight * lead[d], integer=False)
    for s in movers:
        model.row({column[(s.key, d)]: 1.0 for d in free}, lower=1.0, upper=1.0)
    for d in free:
        model.row({column[(s.key, d)]: 1.0 for s in movers}, upper=1.0)
    result = mip.solve(model)
    if not result.feasible:
        raise ValueError(f"no assignment of {len(movers)} people to {len(free)} desks")
    for (key, desk), j in column.items():
        if result.values[j] > 0.5:
            seats[key] = desk
    return seats


def place(layout: Layout, *, max_rounds: int = 50) -> Placement:
    """Exact priority assignment, then the collaboration swaps (see the module's note)."""
    started = time.perf_counter()
    seats = exact_priority(layout)
    optimum, start = costs(layout, seats)
    lead = to_leadership(layout)
    weight = {s.key: s.weight for s in layout.sitters}
    pinned = {s.key for s in layout.sitters if s.pinned}
    top = {s.key for s in layout.sitters[:layout.fixed_top]}
    movable = [s.key for s in layout.sitters if s.key not in pinned and s.key not in top]
    neighbours = _neighbours(layout)
    xy = layout.desks
    bound = optimum * (1 + layout.tolerance) + 1e-9
    priority = optimum
    lam = layout.collaboration

    def pull(key: int, desk: str) -> float:
        return sum(s * math.dist(xy[desk], xy[seats[o]]) for o, s in neighbours.get(key, ()) if o in seats)

    swaps = 0
    for _ in range(max_rounds):
        improved = False
        empty = [d for d in xy if d not in set(seats.values())]
        for i, p in enumerate(movable):
            targets: list[int | str] = [*movable[i + 1:], *empty]
            for q in targets:
                dp = seats[p]
                if isinstance(q, int):
                    dq = seats[q]
                    d_priority = (weight[p] - weight[q]) * (lead[dq] - lead[dp])
                    before = pull(p, dp) + pull(q, dq)
                    seats[p], seats[q] = dq, dp
                    after = pull(p, dq) + pull(q, dp)
                    # the p-q tie is counted in both pulls and does not change with the swap
                    if d_priority + lam * (after - before) < -1e-9 and priority + d_priority <= bound:
                        priority += d_priority
                        swaps += 1
                        improved = True
                    else:
                        seats[p], seats[q] = dp, dq
                else:
                    d_priority = weight[p] * (lead[q] - lead[dp])
                    before = pull(p, dp)
                    after = pull(p, q)
                    if d_priority + lam * (after - before) < -1e-9 and priority + d_priority <= bound:
                        seats[p] = q
                        priority += d_priority
                        swaps += 1
                        improved = True
                        empty = [d for d in xy if d not in set(seats.values())]
                        break
        if not improved:
            break
    return _result(layout, seats, optimum, start, swaps, started)


def greedy_place(layout: Layout) -> Placement:
    """In priority order, each person takes the free desk that costs least given those already seated."""
    started = time.perf_counter()
    lead = to_leadership(layout)
    neighbours = _neighbours(layout)
    seats = {s.key: s.pinned for s in layout.sitters if s.pinned}
    taken = set(seats.values())
    for s in layout.sitters:
        if s.key in seats:
            continue
        ties = [(layout.desks[seats[o]], strength) for o, strength in neighbours.get(s.key, ()) if o in seats]

        def cost(desk: str, weight: float = s.weight, ties: list[tuple[tuple[float, float], float]] = ties) -> float:
            return weight * lead[desk] + layout.collaboration * sum(
                strength * math.dist(layout.desks[desk], where) for where, strength in ties)

        desk = min((d for d in layout.desks if d not in taken), key=lambda d: (cost(d), d))
        seats[s.key] = desk
        taken.add(desk)
    optimum = costs(layout, exact_priority(layout))[0]
    return _result(layout, seats, optimum, costs(layout, seats)[1], 0, started)


def random_place(layout: Layout, seed: int = 0) -> Placement:
    """Pinned people at their desks, the others anywhere (a floor for the bench)."""
    started = time.perf_counter()
    seats = {s.key: s.pinned for s in layout.sitters if s.pinned}
    free = [d for d in layout.desks if d not in set(seats.values())]
    random.Random(seed).shuffle(free)
    for s, desk in zip([s for s in layout.sitters if not s.pinned], free, strict=False):
        seats[s.key] = desk
    optimum = costs(layout, exact_priority(layout))[0]
    return _result(layout, seats, optimum, costs(layout, seats)[1], 0, started)
