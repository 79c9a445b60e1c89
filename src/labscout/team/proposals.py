"""The slate use cases: propose the team for the plan's open slots, and what changes if the plan changes.

The pool and the instance come from `team.pool` (who, at what cost and value, under which constraints).
The slate is solved exactly (HiGHS); the greedy slate (best value per dollar first) is computed beside it on
the same instance. Money is shown to the executive and HR only; other roles see the same slate without it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace

from sqlalchemy.orm import Session

from labscout.errors import ForbiddenError, InvalidError
from labscout.pipeline import policy
from labscout.pipeline.roles import Actor, Perm, has, require
from labscout.research.store import ResearchStore
from labscout.talent.index import TalentIndex
from labscout.team import pool
from labscout.team.pool import Problem, RoleFill, SlateOptions, TopicScore
from labscout.team.slate import Choice, Solution, greedy_slate, solve_slate, value_per_cost

__all__ = ["LeftOut", "Pick", "Problem", "RoleFill", "SlateOptions", "TeamProposal", "TopicScore", "WhatIf",
           "WhatIfOut", "propose_team", "what_if"]


@dataclass(frozen=True, slots=True)
class Pick:
    candidate_id: int
    candidate: str
    person_id: str | None
    role: str
    stage: str
    org: str | None
    expected_cost: int | None  # None when the actor may not see compensation
    cost_source: str
    chance: float
    value: float  # expected value: chance x sum of weight x score
    topics: list[TopicScore]
    expert_in: list[str]
    must: bool
    in_greedy: bool
    why: list[str]


@dataclass(frozen=True, slots=True)
class LeftOut:
    candidate_id: int
    candidate: str
    role: str
    value: float
    reason: str


@dataclass(frozen=True, slots=True)
class TopicFill:
    topic: str
    min_people: int
    hired_experts: int
    picked_experts: int


@dataclass(frozen=True, slots=True)
class GreedyOut:
    objective: float
    cost: int | None
    picks: list[int]
    short: list[str]  # the constraints the greedy slate misses


@dataclass(frozen=True, slots=True)
class TeamProposal:
    picks: list[Pick]
    total_cost: int | None
    budget: int | None  # the plan's total budget
    committed: int | None
    available: int | None  # what the slate may spend: budget - committed (+ a what-if's extra)
    currency: str | None
    objective: float
    optimal: bool
    gap: float | None
    status: str
    solve_seconds: float
    greedy: GreedyOut
    roles: list[RoleFill]
    topics: list[TopicFill]
    problems: list[Problem]
    feasible: bool
    redacted: bool
    considered: int
    hired_value: float
    left_out: list[LeftOut]


@dataclass(frozen=True, slots=True)
class WhatIf:
    plus_budget: int = 0
    plus_slot: str | None = None  # one more slot for this role
    without: int | None = None  # this candidate left out


@dataclass(frozen=True, slots=True)
class WhatIfOut:
    label: str
    base: TeamProposal
    proposal: TeamProposal
    added: list[Pick]
    removed: list[Pick]
    objective_change: float
    cost_change: int | None


def _money_shown(actor: Actor) -> bool:
    return has(actor, Perm.SEE_BUDGET) and has(actor, Perm.SEE_COMPENSATION)


def _why(p: pool.Person, must: bool, in_greedy: bool, shown: bool, tight: set[str], topic_min: dict[str, int],
         choice: Choice) -> list[str]:
    reasons = []
    if must:
        reasons.append("a must-have" + (" (the team's rule)" if p.rule == "in" else " (asked for this proposal)"))
    for s in sorted(p.topics, key=lambda s: -s.score * s.weight):
        if s.score > 0:
            reasons.append(f"#{s.rank} for '{s.topic}' (score {s.score:.2f}" + (f" x weight {s.weight:g}"
                                                                              if s.weight != 1 else "") + ")")
    reasons.append(f"chance {p.chance:.0%}" + (" (the team's figure for them)" if p.own_chance else
                                                f" at stage '{p.row.stage}'"))
    for topic in p.expert_in:
        if topic in tight:
            reasons.append(f"one of the {topic_min[topic]} experts the team needs for '{topic}'")
    if shown:
        reasons.append(f"{value_per_cost(choice):.3f} value per million (cost from the {p.cost.source})"
                       if choice.cost else f"no cost counted (the {p.cost.source} is 0)")
    reasons.append("also in the greedy slate" if in_greedy else
                   "not in the greedy slate: best-value-per-dollar order spends the budget on others")
    return reasons


def _proposal(built: pool.Built, actor: Actor, solution: Solution, greedy: Solution) -> TeamProposal:
    shown = _money_shown(actor)
    instance = built.instance
    choice_of = {c.key: c for c in instance.choices}
    chosen = set(solution.picked)
    greedy_set = set(greedy.picked)
    picked_experts = Counter(t for k in chosen for t in built.people[k].expert_in)
    tight = {t for t, m in instance.min_people.items()
             if m and built.hired_experts.get(t, 0) + picked_experts[t] <= m}
    picks = []
    for key in sorted(chosen, key=lambda k: (built.people[k].row.target_role, -choice_of[k].value, k)):
        p, c = built.people[key], choice_of[key]
        picks.append(Pick(key, p.row.name, p.row.person_id, p.row.target_role, p.row.stage, p.org,
                          c.cost if shown else None, p.cost.source, round(p.chance, 4), round(c.value, 4),
                          p.topics, p.expert_in, c.must, key in greedy_set,
                          _why(p, c.must, key in greedy_set, shown, tight, built.topic_min, c)))
    problems = list(built.problems)
    for r in solution.relaxed:
        if r.constraint == "must-have":
            name = built.people[int(r.subject)].row.name
            problems.append(Problem("must", f"must: {name} (candidate {r.subject}) could not be kept within the "
                                    "slots, budget and organisation cap; the closest slate leaves them out", True))
        else:
            problems.append(Problem("min_people", f"min_people: the closest slate is {r.short_by} expert(s) short "
                                    f"for '{r.subject}'", True))
    picked_roles = Counter(built.people[k].row.target_role for k in chosen)
    roles = [replace(r, picked=picked_roles[r.role]) for r in built.roles]
    topics = [TopicFill(t, m, built.hired_experts.get(t, 0), picked_experts[t]) for t, m in built.topic_min.items()]
    return TeamProposal(
        picks=picks, total_cost=solution.cost if shown else None, budget=built.budget if shown else None,
        committed=built.committed if shown else None, available=built.available if shown else None,
        currency=built.currency if shown else None, objective=round(solution.objective, 4),
        optimal=solution.optimal, gap=solution.gap, status=solution.status,
        solve_seconds=round(solution.seconds, 4),
        greedy=GreedyOut(round(greedy.objective, 4), greedy.cost if shown else None, list(greedy.picked),
                         [f"{r.constraint} {r.subject}" for r in greedy.relaxed]),
        roles=roles, topics=topics, problems=problems,
        feasible=not any(p.blocking for p in problems), redacted=not shown, considered=len(instance.choices),
        hired_value=round(built.hired_value, 4), left_out=_left_out(built, chosen, shown))


def _left_out(built: pool.Built, chosen: set[int], shown: bool, limit: int = 8) -> list[LeftOut]:
    """The most valuable candidates the slate does not take, with the limit that kept them out."""
    instance = built.instance
    full = {role for role, n in Counter(built.people[k].row.target_role for k in chosen).items()
            if n >= instance.slots.get(role, 0)} | {role for role, n in instance.slots.items() if n == 0}
    spent = sum(c.cost for c in instance.choices if c.key in chosen)
    org_count = Counter(built.people[k].org for k in chosen if built.people[k].org)
    found = []
    picked_in: dict[str, list[Choice]] = {}
    for c in instance.choices:
        if c.key in chosen:
            picked_in.setdefault(c.role, []).append(c)
    left = instance.budget - spent
    for c in sorted((c for c in instance.choices if c.key not in chosen), key=lambda c: -c.value)[:limit]:
        rivals = picked_in.get(c.role, [])
        # in a full role they could only come in place of someone: the most expensive pick frees the most money
        room = left + (max(r.cost for r in rivals) if c.role in full and rivals else 0)
        if c.value <= 0:
            reason = "no expert score for the role's topics"
        elif c.role in full and (not rivals or c.value <= min(r.value for r in rivals)):
            reason = f"the '{c.role}' slots go to candidates worth more"
        elif c.cost > room:
            reason = (f"does not fit the budget, even in place of another {c.role}" + (f" ({left:,} left)" if shown
                                                                                           else "")
                      if c.role in full else "does not fit the budget left" + (f" ({left:,})" if shown else ""))
        elif instance.max_per_org is not None and c.org and \
                org_count[c.org] + instance.org_taken.get(c.org, 0) >= instance.max_per_org:
            reason = f"{c.org} is at the cap of {instance.max_per_org} per organisation"
        else:
            reason = "the budget buys more value with the others (or a topic minimum needs them)"
        found.append(LeftOut(c.key, built.people[c.key].row.name, c.role, round(c.value, 4), reason))
    for key, reason in built.excluded.items():
        found.append(LeftOut(key, built.people[key].row.name, built.people[key].row.target_role,
                             round(built.people[key].value, 4), reason))
    return found


def _solve(built: pool.Built, actor: Actor, time_limit: float) -> TeamProposal:
    solution = solve_slate(built.instance, time_limit=time_limit)
    return _proposal(built, actor, solution, greedy_slate(built.instance))


def _check(actor: Actor, options: SlateOptions) -> None:
    require(actor, Perm.VIEW_PIPELINE)
    if options.plus_budget and not _money_shown(actor):
        raise ForbiddenError(f"{actor.name} ({actor.role.value}) may not see the budget, so cannot try a budget change")
    if not 0.1 <= options.time_limit <= 600:
        raise InvalidError(f"time_limit: 0.1 to 600 seconds, not {options.time_limit}", field="time_limit")
    if abs(options.plus_budget) > policy.MAX_AMOUNT:
        raise InvalidError(f"plus_budget: at most {policy.MAX_AMOUNT:,} either way", field="plus_budget")


def propose_team(session: Session, actor: Actor, store: ResearchStore, ti: TalentIndex,
                 options: SlateOptions | None = None) -> TeamProposal:
    """The best slate for the plan's open slots, the greedy slate beside it, and why each person is in."""
    options = options or SlateOptions()
    _check(actor, options)
    return _solve(pool.build(session, store, ti, options), actor, options.time_limit)


def what_if(session: Session, actor: Actor, store: ResearchStore, ti: TalentIndex, change: WhatIf,
            options: SlateOptions | None = None) -> WhatIfOut:
    """The slate now and with one change (more budget, one more slot, someone left out), and what changed."""
    options = options or SlateOptions()
    if not (change.plus_budget or change.plus_slot or change.without is not None):
        raise InvalidError("what_if: say what changes: plus_budget, plus_slot or without", field="what_if")
    slots = dict(options.plus_slots)
    if change.plus_slot:
        role = " ".join(change.plus_slot.strip().lower().split())
        slots[role] = slots.get(role, 0) + 1
    changed = replace(options, plus_budget=options.plus_budget + change.plus_budget, plus_slots=slots,
                      without=(*options.without, *([change.without] if change.without is not None else [])))
    _check(actor, options)
    _check(actor, changed)
    built = pool.build(session, store, ti, options)
    base = _solve(built, actor, options.time_limit)
    # the same expert rankings: only the plan changes, not who the experts are
    after = _solve(pool.build(session, store, ti, changed, built.ranked), actor, options.time_limit)
    before_ids = {p.candidate_id for p in base.picks}
    after_ids = {p.candidate_id for p in after.picks}
    labels = []
    if change.plus_budget:
        labels.append(f"budget {'+' if change.plus_budget > 0 else '-'}{abs(change.plus_budget):,}")
    if change.plus_slot:
        labels.append(f"one more '{' '.join(change.plus_slot.strip().lower().split())}' slot")
    if change.without is not None:
        who = built.people.get(change.without)
        labels.append(f"without {who.row.name if who else f'candidate {change.without}'}")
    cost_change = (after.total_cost - base.total_cost) if after.total_cost is not None and \
        base.total_cost is not None else None
    return WhatIfOut(", ".join(labels), base, after, [p for p in after.picks if p.candidate_id not in before_ids],
                     [p for p in base.picks if p.candidate_id not in after_ids],
                     round(after.objective - base.objective, 4), cost_change)
