"""Seat placement: the priority part is the exact assignment optimum; swaps bring collaborators together."""

from __future__ import annotations

import math
from itertools import permutations

from labscout.team.placement import Layout, Sitter, costs, exact_priority, greedy_place, place, random_place

ROW = {f"D{i}": (float(i), 0.0) for i in range(1, 6)}  # desks 1..5 units from the CEO at (0, 0)


def test_the_priority_part_is_the_brute_force_optimum() -> None:
    desks = {"A": (1.0, 0.0), "B": (0.0, 2.0), "C": (3.0, 3.0), "D": (-1.0, -1.0), "E": (5.0, 0.0)}
    sitters = [Sitter(1, 1.0), Sitter(2, 0.75), Sitter(3, 0.5, pinned="C"), Sitter(4, 0.25)]
    layout = Layout(desks, [(0.0, 0.0)], sitters)
    seats = exact_priority(layout)
    best = min(
        (sum(s.weight * math.dist(desks[d], (0.0, 0.0)) for s, d in zip([sitters[0], sitters[1], sitters[3]],
                                                                        chosen, strict=True)), chosen)
        for chosen in permutations([d for d in desks if d != "C"], 3))
    assert seats[3] == "C"
    assert math.isclose(costs(layout, seats)[0] - 0.5 * math.dist((3.0, 3.0), (0, 0)), best[0])


def test_collaborators_are_brought_together_within_the_tolerance() -> None:
    # 1 is the head of research; 3 and 5 wrote together. Exactly by priority they sit at D3 and D5.
    sitters = [Sitter(k, (6 - k) / 5) for k in range(1, 6)]
    layout = Layout(ROW, [(0.0, 0.0)], sitters, ties={(3, 5): 3.0}, tolerance=0.5)
    exact = exact_priority(layout)
    assert exact == {1: "D1", 2: "D2", 3: "D3", 4: "D4", 5: "D5"}
    found = place(layout)
    assert found.seats[1] == "D1"  # the head of research never moves
    assert abs(int(found.seats[3][1]) - int(found.seats[5][1])) == 1
    assert found.priority_optimum == costs(layout, exact)[0]
    assert found.priority_optimum <= found.priority_cost <= found.priority_optimum * 1.5 + 1e-9
    assert found.objective < costs(layout, exact)[0] + 3.0 * 2
    # with no tolerance the priority part stays exactly optimal
    strict = place(Layout(ROW, [(0.0, 0.0)], sitters, ties={(3, 5): 3.0}, tolerance=0.0))
    assert math.isclose(strict.priority_cost, strict.priority_optimum)


def test_the_method_beats_random_and_is_no_worse_than_greedy_here() -> None:
    desks = {f"{x}-{y}": (float(x), float(y)) for x in range(6) for y in range(5)}
    sitters = [Sitter(k, (25 - k) / 25) for k in range(25)]
    ties = {(a, b): 1.0 for a in range(25) for b in range(a + 1, 25) if (a * 7 + b) % 11 == 0}
    layout = Layout(desks, [(-1.0, 2.0)], sitters, ties)
    ours, greedy, rand = place(layout), greedy_place(layout), random_place(layout, seed=1)
    assert ours.objective < rand.objective
    assert ours.objective <= greedy.objective * 1.05
    assert len(set(ours.seats.values())) == 25
