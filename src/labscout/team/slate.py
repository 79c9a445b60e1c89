"""The slate problem on plain records: which candidates to pursue for the plan's open slots, exactly and greedily.

maximise   sum of value_i x_i                      (value: chance of acceptance x expert score for the role)
subject to sum of cost_i x_i <= budget             (what is left after committed spend; full cost: if all accept)
           sum over role r of x_i <= open slots of r
           sum over organisation o of x_i <= max_per_org - people of the team already from o
           sum over experts of topic t of x_i >= min_people of t - experts of t already in the team
           x_i = 1 for must-haves; x_i in {0, 1}

When the constraints cannot all hold, the closest feasible slate is found in two solves: the first keeps as many
must-haves and topic experts as the hard limits (budget, slots, organisation cap) allow, the second maximises
value among the slates that fall that little short; what had to give is listed in `relaxed`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace

from labscout.team import mip

# Costs enter the model in millions: coefficients and the budget stay in a range HiGHS scales well.
COST_UNIT = 1_000_000


@dataclass(frozen=True, slots=True)
class Choice:
    """One candidate the slate may take, for their role."""

    key: int
    role: str
    cost: int
    value: float
    org: str | None = None
    experts_in: frozenset[str] = frozenset()
    must: bool = False


@dataclass(frozen=True, slots=True)
class Instance:
    choices: tuple[Choice, ...]
    slots: dict[str, int]  # open slots per role
    budget: int  # what the slate may spend
    min_people: dict[str, int] = field(default_factory=dict)  # topic -> experts the team should hold
    has_experts: dict[str, int] = field(default_factory=dict)  # topic -> experts the team holds already
    max_per_org: int | None = None
    org_taken: dict[str, int] = field(default_factory=dict)  # organisation -> people of the team already


@dataclass(frozen=True, slots=True)
class Relaxed:
    """A constraint the closest feasible slate could not keep."""

    constraint: str  # must-have | topic minimum
    subject: str  # the candidate key (as text) or the topic
    short_by: int


@dataclass(frozen=True, slots=True)
class Solution:
    picked: tuple[int, ...]
    objective: float
    cost: int
    optimal: bool
    gap: float | None
    status: str
    seconds: float
    relaxed: tuple[Relaxed, ...] = ()


def _org_room(instance: Instance) -> dict[str, int]:
    if instance.max_per_org is None:
        return {}
    orgs = {c.org for c in instance.choices if c.org}
    return {o: max(0, instance.max_per_org - instance.org_taken.get(o, 0)) for o in orgs}


def _needed(instance: Instance) -> dict[str, int]:
    return {t: m - instance.has_experts.get(t, 0) for t, m in instance.min_people.items()
            if m - instance.has_experts.get(t, 0) > 0}


def _model(instance: Instance, *, elastic: bool) -> tuple[mip.Model, list[int], dict[int, int], dict[str, int]]:
    """The model; with `elastic`, must-haves and topic minimums get slack columns (returned by key and topic)."""
    model = mip.Model(maximise=True)
    columns = []
    for c in instance.choices:
        fits = _fits(instance, c)
        must = c.must and fits and not elastic
        columns.append(model.column(c.value, 1.0 if must else 0.0, 1.0 if fits else 0.0))
    model.row({j: c.cost / COST_UNIT for j, c in zip(columns, instance.choices, strict=True) if c.cost},
              upper=max(instance.budget, 0) / COST_UNIT)
    by_role: dict[str, dict[int, float]] = defaultdict(dict)
    by_org: dict[str, dict[int, float]] = defaultdict(dict)
    by_topic: dict[str, dict[int, float]] = defaultdict(dict)
    for j, c in zip(columns, instance.choices, strict=True):
        by_role[c.role][j] = 1.0
        if c.org:
            by_org[c.org][j] = 1.0
        for topic in c.experts_in:
            by_topic[topic][j] = 1.0
    for role, row in by_role.items():
        model.row(row, upper=float(instance.slots.get(role, 0)))
    for org, room in _org_room(instance).items():
        if org in by_org:
            model.row(by_org[org], upper=float(room))
    must_slack: dict[int, int] = {}
    topic_slack: dict[str, int] = {}
    for topic, need in _needed(instance).items():
        row = dict(by_topic.get(topic, {}))
        if elastic:
            topic_slack[topic] = model.column(0.0, 0.0, float(need))
            row[topic_slack[topic]] = 1.0
        model.row(row, lower=float(need))
    if elastic:
        for j, c in zip(columns, instance.choices, strict=True):
            if c.must:
                must_slack[c.key] = model.column(0.0, 0.0, 1.0)
                model.row({j: 1.0, must_slack[c.key]: 1.0}, lower=1.0)
    return model, columns, must_slack, topic_slack


def _picked(instance: Instance, columns: list[int], values: list[float]) -> tuple[int, ...]:
    return tuple(c.key for j, c in zip(columns, instance.choices, strict=True) if values[j] > 0.5)


def _solution(instance: Instance, picked: tuple[int, ...], result: mip.Result, seconds: float,
              relaxed: tuple[Relaxed, ...] = ()) -> Solution:
    chosen = set(picked)
    value = sum(c.value for c in instance.choices if c.key in chosen)
    cost = sum(c.cost for c in instance.choices if c.key in chosen)
    return Solution(picked, value, cost, result.optimal, result.gap, result.status, seconds, relaxed)


def _fits(instance: Instance, c: Choice) -> bool:
    return c.role in instance.slots and c.cost <= max(instance.budget, 0)


def solve_slate(instance: Instance, *, time_limit: float = 10.0, rel_gap: float = 1e-6) -> Solution:
    """The best slate by the mixed-integer program, or the closest feasible one when the constraints conflict."""
    if all(_fits(instance, c) for c in instance.choices if c.must):
        model, columns, _, _ = _model(instance, elastic=False)
        result = mip.solve(model, time_limit=time_limit, rel_gap=rel_gap)
        if result.feasible:
            return _within_budget(instance, _solution(instance, _picked(instance, columns, result.values), result,
                                                      result.seconds), time_limit, rel_gap)
    return _within_budget(instance, _closest(instance, time_limit, rel_gap), time_limit, rel_gap)


def _within_budget(instance: Instance, found: Solution, time_limit: float, rel_gap: float) -> Solution:
    """Guard the budget in whole currency units: a solver tolerance must never overspend by a dollar."""
    if found.cost <= max(instance.budget, 0):
        return found
    tighter = replace(instance, budget=instance.budget - (found.cost - instance.budget))
    again = solve_slate(tighter, time_limit=time_limit, rel_gap=rel_gap)
    return replace(again, seconds=again.seconds + found.seconds)


def _closest(instance: Instance, time_limit: float, rel_gap: float) -> Solution:
    # Phase 1: fall short of as few must-haves and topic experts as the hard limits allow.
    model, columns, must_slack, topic_slack = _model(instance, elastic=True)
    value_cost = model.cost
    slack = [*must_slack.values(), *topic_slack.values()]
    model.cost = [1.0 if j in slack else 0.0 for j in range(len(value_cost))]
    model.maximise = False
    first = mip.solve(model, time_limit=time_limit, rel_gap=0.0)
    if not first.feasible:
        return Solution((), 0.0, 0, False, None, first.status, first.seconds)
    # Phase 2: the most valuable slate that falls short by no more than that.
    model.cost, model.maximise = value_cost, True
    model.row(dict.fromkeys(slack, 1.0), upper=round(first.objective) + 1e-6)
    second = mip.solve(model, time_limit=time_limit, rel_gap=rel_gap)
    final = second if second.feasible else first
    relaxed = tuple(
        [Relaxed("must-have", str(key), 1) for key, j in must_slack.items() if final.values[j] > 0.5]
        + [Relaxed("topic minimum", topic, round(final.values[j])) for topic, j in topic_slack.items()
           if final.values[j] > 0.5])
    seconds = first.seconds + (second.seconds if second.feasible else 0.0)
    found = _solution(instance, _picked(instance, columns, final.values), final, seconds, relaxed)
    return replace(found, optimal=final.optimal and second.feasible)


def value_per_cost(c: Choice) -> float:
    """Value per million of cost; a free candidate is worth taking first."""
    return c.value / (c.cost / COST_UNIT) if c.cost > 0 else float("inf")


def greedy_slate(instance: Instance) -> Solution:
    """Must-haves first, then best value per dollar, each taken while slots, budget and the org cap allow."""
    order = sorted(instance.choices, key=lambda c: (not c.must, -value_per_cost(c), -c.value, c.key))
    room = dict(instance.slots)
    org_room = _org_room(instance)
    left = instance.budget
    picked: list[int] = []
    relaxed: list[Relaxed] = []
    for c in order:
        fits = (room.get(c.role, 0) > 0 and c.cost <= left and (c.org is None or org_room.get(c.org, 1) > 0)
                and (c.value > 0 or c.must))
        if not fits:
            if c.must:
                relaxed.append(Relaxed("must-have", str(c.key), 1))
            continue
        picked.append(c.key)
        room[c.role] -= 1
        left -= c.cost
        if c.org is not None and c.org in org_room:
            org_room[c.org] -= 1
    chosen = set(picked)
    for topic, need in _needed(instance).items():
        held = sum(1 for c in instance.choices if c.key in chosen and topic in c.experts_in)
        if held < need:
            relaxed.append(Relaxed("topic minimum", topic, need - held))
    value = sum(c.value for c in instance.choices if c.key in chosen)
    cost = sum(c.cost for c in instance.choices if c.key in chosen)
    return Solution(tuple(picked), value, cost, False, None, "greedy", 0.0, tuple(relaxed))
