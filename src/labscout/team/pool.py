"""The slate's pool and instance, built from the pipeline and expert search, with the constraints that cannot hold.

The pool is every live candidate at an open stage whose target role is in the plan; hired people (a won stage)
are the team already: they fill slots, count for topic minimums and organisation caps, and their accepted
offers (for a hire without one, their expected cost) are the committed spend the budget is reduced by.
Each candidate's value for their role is their chance of acceptance times the sum, over the role's topics, of
weight x expert score (as search ranks them).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from labscout.errors import InvalidError, NotFoundError
from labscout.pipeline import money, policy
from labscout.pipeline.models import Candidate, Offer, PlanRole
from labscout.pipeline.team_models import CandidateEstimate
from labscout.research.store import ResearchStore
from labscout.talent.index import TalentIndex
from labscout.team import costs, experts, needs
from labscout.team.slate import Choice, Instance


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


@dataclass(slots=True)
class Person:
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
class Built:
    instance: Instance
    people: dict[int, Person]
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


def _committed(session: Session, convert: money.Converter) -> int:
    """Accepted offers' 4-year totals in the plan's currency; refused when a currency has no rate."""
    by_currency = session.execute(select(Offer.currency, func.sum(Offer.total_4y)).where(Offer.status == "accepted")
                                  .group_by(Offer.currency))
    return sum(convert(int(total or 0), str(currency)) for currency, total in by_currency)


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


def build(session: Session, store: ResearchStore, ti: TalentIndex, options: SlateOptions,
           ranked: dict[str, experts.TopicExperts] | None = None) -> Built:
    convert = money.Converter(session)
    currency = convert.currency
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
    people: dict[int, Person] = {}
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
        people[c.id] = Person(c, resolved[c.id], chance, own, estimate.slate_rule if estimate else None, scores,
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
        unusable = _unusable(p, plan, convert)
        if unusable is not None:
            left_out.append(unusable)
            if c.id in must:
                blocked.append(Problem("must", f"must: {unusable[1]}, so this must-have cannot be in the slate",
                                       True))
            continue
        cost = convert(p.cost.amount or 0, p.cost.currency or currency)
        choices.append(Choice(c.id, c.target_role, cost, p.value, p.org, frozenset(p.expert_in), c.id in must))
    total = policy.budget_total(session)
    if total is None:
        total = sum(line.budget for line in plan.values())
    committed = _committed(session, convert)
    # People hired without an accepted offer cost money too: counted at their expected cost.
    uncosted = [p for p in hired if p.cost.offer_status != "accepted" and p.cost.amount is not None]
    committed += sum(convert(p.cost.amount or 0, p.cost.currency or currency) for p in uncosted)
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
    return Built(instance, people, problems, total, committed, available, currency, roles, ranked,
                  sum(s.score * s.weight for p in hired for s in p.topics), dict(hired_experts),
                  {t.topic: t.min_people for t in topic_needs}, excluded)


def _unusable(p: Person, plan: dict[str, PlanRole], convert: money.Converter) -> tuple[str, str] | None:
    """Why a candidate cannot enter the slate (kind, text), or None when they can."""
    c = p.row
    if c.target_role not in plan:
        return "role", f"{c.name} ({c.id}) targets '{c.target_role}', not a role of the plan"
    if p.cost.amount is None:
        return "cost", f"{c.name} ({c.id}) has no offer, no estimate, and '{c.target_role}' has no budget per slot"
    if p.cost.currency and not convert.known(p.cost.currency):
        return "currency", (f"{c.name} ({c.id}): the {p.cost.source} is in {p.cost.currency} and the plan counts "
                            f"in {convert.currency}, with no exchange rate from it")
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
