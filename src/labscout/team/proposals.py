"""The slate use cases: propose the team for the plan's open slots, and what changes if the plan changes.

The pool is every live candidate at an open stage whose target role is in the plan; hired people (a won stage)
are the team already: they fill slots, count for topic minimums and organisation caps, and their accepted
offers (for a hire without one, their expected cost) are the committed spend the budget is reduced by.
Each candidate's value for their role is their chance of acceptance times the sum, over the role's topics, of
weight x expert score (as search ranks them).
The slate is solved exactly (HiGHS); the greedy slate (best value per dollar first) is computed beside it on
the same instance. Money is shown to the executive and HR only; other roles see the same slate without it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from labscout.errors import ForbiddenError, InvalidError, NotFoundError
from labscout.pipeline import policy
from labscout.pipeline.models import Candidate, Offer, PlanRole
from labscout.pipeline.roles import Actor, Perm, has, require
from labscout.pipeline.team_models import CandidateEstimate
from labscout.research.store import ResearchStore
from labscout.talent.index import TalentIndex
from labscout.team import costs, experts, needs
from labscout.team.slate import Choice, Instance, Solution, greedy_slate, solve_slate, value_per_cost


@dataclass(frozen=True, slots=True)
class SlateOptions:
    """One proposal's inputs beyond what the team stored: extra must-haves and exclusions, what-if changes."""

    must: tuple[int, ...] = ()
    without: tuple[int, ...] = ()
    max_per_org: int | None = None  # None: the team's rule
    plus_budget: int = 0
    plus_slots: dict[str, int] = field(default_factory=dict)
    time_limit: float = 10.0


@dataclass(frozen=True, slots=True)
class TopicScore:
    topic: str
    rank: int | None
    score: float
    weight: float


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
class Problem:
    """A constraint that cannot hold (blocking) or a candidate the proposal had to leave out."""

    constraint: str
    message: str
    blocking: bool


@dataclass(frozen=True, slots=True)
class RoleFill:
    role: str
    slots: int
    hired: int
    open_slots: int
    candidates: int
    picked: int


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


@dataclass(slots=True)
class _Person:
    row: Candidate
    cost: costs.Cost
    chance: float
    own_chance: bool  # the team entered this candidate's chance (else their stage's)
    rule: str | None
    topics: list[TopicScore]
    value: float
    expert_in: list[str]
    org: str | None


@dataclass(slots=True)
class _Built:
    instance: Instance
    people: dict[int, _Person]
    problems: list[Problem]
    budget: int
    committed: int
    available: int
    currency: str
    roles: list[RoleFill]
    ranked: dict[str, experts.TopicExperts]
    hired_value: float
    hired_experts: dict[str, int]
    topic_min: dict[str, int]
    excluded: dict[int, str]


def _money_shown(actor: Actor) -> bool:
    return has(actor, Perm.SEE_BUDGET) and has(actor, Perm.SEE_COMPENSATION)


def _committed(session: Session, currency: str) -> int:
    """Accepted offers' 4-year totals; refused when they are in several currencies (no rates to convert yet)."""
    by_currency = {str(cur).upper(): int(total or 0) for cur, total in session.execute(
        select(Offer.currency, func.sum(Offer.total_4y)).where(Offer.status == "accepted").group_by(Offer.currency))}
    other = sorted(c for c in by_currency if c != currency)
    if other:
        raise InvalidError(f"currency: accepted offers in {', '.join(other)} cannot be added to a plan counted in "
                           f"{currency} until exchange rates are set; committed spend is unknown", field="currency")
    return by_currency.get(currency, 0)


def _org_key(person: experts.Ranked | None, affiliation: str | None) -> str | None:
    name = person.org if person is not None and person.org else affiliation
    return " ".join(name.split()).casefold() if name else None


def _aggregate(problems: list[tuple[str, str]], what: str, limit: int = 5) -> list[Problem]:
    """One problem per kind: the first few names, then how many more."""
    by_kind: dict[str, list[str]] = {}
    for kind, text in problems:
        by_kind.setdefault(kind, []).append(text)
    found = []
    for kind, texts in by_kind.items():
        shown = "; ".join(texts[:limit]) + (f"; and {len(texts) - limit} more" if len(texts) > limit else "")
        found.append(Problem(kind, f"{len(texts)} candidate(s) left out of the {what}: {shown}", False))
    return found


def _build(session: Session, store: ResearchStore, ti: TalentIndex, options: SlateOptions,
           ranked: dict[str, experts.TopicExperts] | None = None) -> _Built:
    currency = costs.plan_currency(session)
    rules = needs.rules(session)
    topic_needs = needs.needs(session)
    plan = {p.role: p for p in session.scalars(select(PlanRole))}
    if not plan:
        raise InvalidError("roles: the hiring plan has no roles yet; add roles with their slots and budget first",
                           field="roles")
    chances = costs.stage_chances(session)
    rows = [c for c in session.scalars(select(Candidate).where(Candidate.erased_at.is_(None)).order_by(Candidate.id))
            if chances.get(c.stage) is not None and chances[c.stage].outcome != "lost"]
    by_id = {c.id: c for c in rows}
    for ref in (*options.must, *options.without):
        if ref not in by_id:
            found = session.get(Candidate, ref)
            if found is None or found.erased_at is not None:
                raise NotFoundError(f"candidate: no candidate with id {ref}", field="candidate")
            if ref in options.must:
                raise InvalidError(f"must: {found.name} (candidate {ref}) is at '{found.stage}', a closed stage; "
                                   "reopen them before asking for them in the slate", field="must")
    clash = set(options.must) & set(options.without)
    if clash:
        raise InvalidError(f"must: candidate(s) {', '.join(map(str, sorted(clash)))} cannot be both in and out",
                           field="must")
    estimates = {e.candidate_id: e for e in session.scalars(select(CandidateEstimate))}
    resolved = costs.resolve_costs(session, rows)
    if ranked is None or set(ranked) != {t.topic for t in topic_needs}:
        ranked = experts.rank_topics(store, ti, [t.topic for t in topic_needs])
    role_topics: dict[str, list[tuple[str, float]]] = {}
    for need in topic_needs:
        for role, weight in need.roles.items():
            role_topics.setdefault(role, []).append((need.topic, weight))
    left_out: list[tuple[str, str]] = []
    people: dict[int, _Person] = {}
    excluded: dict[int, str] = {}
    for c in rows:
        estimate = estimates.get(c.id)
        chance = estimate.chance if estimate is not None and estimate.chance is not None else chances[c.stage].chance
        scores = []
        for topic, weight in role_topics.get(c.target_role, []):
            hit = ranked[topic].by_person.get(c.person_id or "")
            scores.append(TopicScore(topic, hit.rank if hit else None, hit.score if hit else 0.0, weight))
        expert_in = [t.topic for t in topic_needs if (hit := ranked[t.topic].by_person.get(c.person_id or ""))
                     and hit.rank <= rules.expert_top]
        first_hit = next((ranked[t.topic].by_person[c.person_id] for t in topic_needs
                          if c.person_id and c.person_id in ranked[t.topic].by_person), None)
        value = chance * sum(s.score * s.weight for s in scores)
        own = estimate is not None and estimate.chance is not None
        people[c.id] = _Person(c, resolved[c.id], chance, own, estimate.slate_rule if estimate else None, scores,
                               round(value, 6), expert_in, _org_key(first_hit, c.affiliation))
    hired = [p for p in people.values() if chances[p.row.stage].outcome == "won"]
    pool = [p for p in people.values() if chances[p.row.stage].outcome == "open"]
    hired_count = Counter(p.row.target_role for p in hired)
    must = set(options.must) | {p.row.id for p in pool if p.rule == "in" and p.row.id not in options.without}
    without = set(options.without) | {p.row.id for p in pool if p.rule == "out" and p.row.id not in options.must}
    slots = {role: max(0, line.slots - hired_count[role]) + options.plus_slots.get(role, 0)
             for role, line in plan.items()}
    for role in options.plus_slots:
        if role not in plan:
            raise InvalidError(f"role: '{role}' is not a role of the hiring plan", field="role")
    choices = []
    blocked: list[Problem] = []
    for p in pool:
        c = p.row
        if c.id in without:
            excluded[c.id] = "left out by the team's rule" if p.rule == "out" else "left out for this proposal"
            continue
        unusable = _unusable(p, plan, currency)
        if unusable is not None:
            left_out.append(unusable)
            if c.id in must:
                blocked.append(Problem("must", f"must: {unusable[1]}, so this must-have cannot be in the slate",
                                       True))
            continue
        choices.append(Choice(c.id, c.target_role, p.cost.amount or 0, p.value, p.org, frozenset(p.expert_in),
                              c.id in must))
    total = policy.budget_total(session)
    if total is None:
        total = sum(line.budget for line in plan.values())
    committed = _committed(session, currency)
    # People hired without an accepted offer cost money too: counted at their expected cost.
    uncosted = [p for p in hired if p.cost.offer_status != "accepted" and p.cost.amount is not None]
    for p in uncosted:
        if (p.cost.currency or currency).upper() != currency:
            raise InvalidError(f"currency: {p.row.name} (candidate {p.row.id}) is hired at a cost in "
                               f"{p.cost.currency}; the plan counts in {currency} and has no exchange rate yet",
                               field="currency")
    committed += sum(p.cost.amount or 0 for p in uncosted)
    available = total - committed + options.plus_budget
    hired_experts = Counter(t for p in hired for t in p.expert_in)
    cap = options.max_per_org if options.max_per_org is not None else rules.max_per_org
    instance = Instance(tuple(choices), slots, available, {t.topic: t.min_people for t in topic_needs if t.min_people},
                        dict(hired_experts), cap, dict(Counter(p.org for p in hired if p.org)))
    problems = blocked + _aggregate(left_out, "slate")
    if uncosted:
        problems.append(Problem("committed", f"committed: {len(uncosted)} hired people have no accepted offer; "
                                "their expected cost (estimate or budget per slot) counts as committed", False))
    problems += [Problem("topic", f"topic '{t.topic}': {ranked[t.topic].error}; it adds no value", False)
                 for t in topic_needs if ranked[t.topic].error]
    problems += _conflicts(instance, plan, hired_count, total, committed, options.plus_budget, bool(uncosted))
    roles = [RoleFill(role, line.slots + options.plus_slots.get(role, 0), hired_count[role], slots[role],
                      sum(1 for ch in choices if ch.role == role), 0) for role, line in sorted(plan.items())]
    return _Built(instance, people, problems, total, committed, available, currency, roles, ranked,
                  sum(s.score * s.weight for p in hired for s in p.topics), dict(hired_experts),
                  {t.topic: t.min_people for t in topic_needs}, excluded)


def _unusable(p: _Person, plan: dict[str, PlanRole], currency: str) -> tuple[str, str] | None:
    """Why a candidate cannot enter the slate (kind, text), or None when they can."""
    c = p.row
    if c.target_role not in plan:
        return "role", f"{c.name} ({c.id}) targets '{c.target_role}', not a role of the plan"
    if p.cost.amount is None:
        return "cost", f"{c.name} ({c.id}) has no offer, no estimate, and '{c.target_role}' has no budget per slot"
    if (p.cost.currency or currency).upper() != currency:
        return "currency", (f"{c.name} ({c.id}): the {p.cost.source} is in {p.cost.currency} and the plan counts "
                            f"in {currency} (no exchange rate yet)")
    return None


def _conflicts(instance: Instance, plan: dict[str, PlanRole], hired: Counter[str], total: int, committed: int,
               plus_budget: int, uncosted: bool) -> list[Problem]:
    """The constraints that cannot hold, each named, found before solving."""
    found = []
    if total + plus_budget < committed:
        spent = "accepted offers, and hires without one at their expected cost" if uncosted else "accepted offers"
        found.append(Problem("budget", f"budget: {total + plus_budget:,} is below the committed spend {committed:,} "
                             f"({spent}): no one more fits until it is raised by at least "
                             f"{committed - total - plus_budget:,}", True))
    if total == 0 and not committed:
        found.append(Problem("budget", "budget: the plan has no budget (neither a total nor role budgets)", True))
    musts = [c for c in instance.choices if c.must]
    for role, n in Counter(c.role for c in musts).items():
        if n > instance.slots.get(role, 0):
            found.append(Problem("slots", f"slots: {n} must-haves for '{role}' but {instance.slots.get(role, 0)} "
                                 f"open slot(s) ({plan[role].slots} planned, {hired[role]} hired)", True))
    must_cost = sum(c.cost for c in musts)
    if musts and must_cost > max(instance.budget, 0):
        found.append(Problem("budget", f"budget: the must-haves cost {must_cost:,}, more than the "
                             f"{max(instance.budget, 0):,} left after committed spend", True))
    if instance.max_per_org is not None:
        for org, n in Counter(c.org for c in musts if c.org).items():
            room = max(0, instance.max_per_org - instance.org_taken.get(org, 0))
            if n > room:
                found.append(Problem("max_per_org", f"max_per_org: {n} must-haves from {org}, the cap of "
                                     f"{instance.max_per_org} leaves room for {room}", True))
    for topic, minimum in instance.min_people.items():
        held = instance.has_experts.get(topic, 0)
        offered = sum(1 for c in instance.choices if topic in c.experts_in)
        if held + offered < minimum:
            found.append(Problem("min_people", f"min_people: '{topic}' needs {minimum} of its experts; the team has "
                                 f"{held} and the pipeline offers {offered} more", True))
    by_role = Counter(c.role for c in instance.choices)
    for role, open_slots in instance.slots.items():
        if open_slots > 0 and not by_role[role]:
            found.append(Problem("role", f"role: '{role}' has {open_slots} open slot(s) and no candidate in the "
                                 "pipeline for it", False))
    return found


def _why(p: _Person, must: bool, in_greedy: bool, shown: bool, tight: set[str], topic_min: dict[str, int],
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


def _proposal(built: _Built, actor: Actor, solution: Solution, greedy: Solution) -> TeamProposal:
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


def _left_out(built: _Built, chosen: set[int], shown: bool, limit: int = 8) -> list[LeftOut]:
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


def _solve(built: _Built, actor: Actor, time_limit: float) -> TeamProposal:
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
    return _solve(_build(session, store, ti, options), actor, options.time_limit)


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
    built = _build(session, store, ti, options)
    base = _solve(built, actor, options.time_limit)
    # the same expert rankings: only the plan changes, not who the experts are
    after = _solve(_build(session, store, ti, changed, built.ranked), actor, options.time_limit)
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
