"""Expected 4-year cost and chance of acceptance per candidate, as the slate optimiser counts them.

Cost, in this order: the candidate's offer when there is one (the newest draft, pending, approved, sent or
accepted offer), else the estimate the team entered, else the plan role's budget per slot (budget / slots).
Chance: the team's figure for this candidate when one was entered, else the chance of their stage. Stage
chances are the team's (`set_chance`) or these defaults: identified 5%, contacted 10%, in conversation 20%,
meeting 35%, offer 60%; a won stage (accepted) 100%, a lost one (declined, withdrawn) 0%; an open stage the
team added takes the chance of the open stage before it (5% when it is the first).

Costs are compensation: only roles that may see compensation (executive, HR) see them or enter estimates;
others get the same records with the figures left out (`redacted`), as offers do.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from labscout.errors import ConflictError, InvalidError
from labscout.pipeline import audit, candidates, money, policy, stages
from labscout.pipeline.db import flush
from labscout.pipeline.models import Candidate, Offer, PlanRole, Stage, User
from labscout.pipeline.offers import ACTIVE
from labscout.pipeline.roles import Actor, Perm, can_see_compensation, require
from labscout.pipeline.team_models import CandidateEstimate, StageChance

DEFAULT_CHANCES = {"identified": 0.05, "contacted": 0.10, "in conversation": 0.20, "meeting": 0.35, "offer": 0.60}
FIRST_OPEN_CHANCE = 0.05
# Offers in these states say what the person will cost; declined, withdrawn and expired ones no longer do.
COSTING_OFFERS = (*ACTIVE, "accepted")
RULES = ("in", "out")


@dataclass(frozen=True, slots=True)
class StageChanceOut:
    stage: str
    outcome: str
    chance: float
    source: str  # "team" when the team set it, else "default"


@dataclass(frozen=True, slots=True)
class Cost:
    """A candidate's expected cost as the optimiser uses it (never shown as such to roles without compensation)."""

    amount: int | None
    currency: str | None
    source: str  # offer | estimate | plan | none
    offer_id: int | None = None
    offer_status: str | None = None


@dataclass(frozen=True, slots=True)
class CandidateCost:
    candidate_id: int
    name: str
    person_id: str | None
    affiliation: str | None
    role: str
    stage: str
    outcome: str
    owner_name: str | None
    redacted: bool
    cost: int | None
    currency: str | None
    cost_source: str
    offer_id: int | None
    estimate: int | None
    estimate_currency: str | None
    chance: float
    chance_source: str  # candidate | stage
    rule: str | None  # in | out | None
    note: str | None
    version: int  # the estimate's version (0 while the team has entered nothing)


@dataclass(slots=True)
class EstimateIn:
    """What to change about a candidate's estimate; None leaves a field as it is, `clear` empties fields."""

    cost: int | None = None
    currency: str | None = None
    chance: float | None = None
    rule: str | None = None
    note: str | None = None
    clear: tuple[str, ...] = field(default_factory=tuple)


def stage_chances(session: Session) -> dict[str, StageChanceOut]:
    """Every stage's chance of acceptance, in pipeline order (see the module's note for the defaults)."""
    team = {row.stage: row.chance for row in session.scalars(select(StageChance))}
    found: dict[str, StageChanceOut] = {}
    carried = FIRST_OPEN_CHANCE
    for s in stages.list_stages(session):
        if s.name in team:
            chance, source = team[s.name], "team"
        elif s.outcome == "won":
            chance, source = 1.0, "default"
        elif s.outcome == "lost":
            chance, source = 0.0, "default"
        else:
            chance, source = DEFAULT_CHANCES.get(s.name, carried), "default"
        if s.outcome == "open":
            carried = chance
        found[s.name] = StageChanceOut(s.name, s.outcome, chance, source)
    return found


def list_chances(session: Session, actor: Actor) -> list[StageChanceOut]:
    require(actor, Perm.VIEW_PIPELINE)
    return list(stage_chances(session).values())


def _checked_chance(value: float, field_name: str) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool) or math.isnan(value) or not 0 <= value <= 1:
        raise InvalidError(f"{field_name}: a chance is between 0 and 1 (0.35 for 35%), not {value!r}")
    return float(value)


def set_chance(session: Session, actor: Actor, stage: str, chance: float | None) -> StageChanceOut:
    """Set the chance of acceptance at a stage; None goes back to the default."""
    require(actor, Perm.CONFIGURE)
    name = stages.get_stage(session, stage).name
    row = session.get(StageChance, name)
    before = audit.snapshot(row) if row is not None else None
    if chance is None:
        if row is not None:
            session.delete(row)
    else:
        value = _checked_chance(chance, "chance")
        if row is None:
            row = StageChance(stage=name, chance=value)
            session.add(row)
        else:
            row.chance = value
    flush(session)
    after = {"stage": name, "chance": chance}
    audit.record(session, actor, "set", "stage_chance", name, before, after if chance is not None else None)
    return stage_chances(session)[name]


def _offers_by_candidate(session: Session, ids: list[int] | None) -> dict[int, Offer]:
    query = select(Offer).where(Offer.status.in_(COSTING_OFFERS)).order_by(Offer.id)
    if ids is not None:
        query = query.where(Offer.candidate_id.in_(ids or [-1]))
    return {o.candidate_id: o for o in session.scalars(query)}  # the newest offer wins


def _per_slot(session: Session, currency: str) -> dict[str, Cost]:
    found = {}
    for line in session.scalars(select(PlanRole)):
        if line.slots > 0 and line.budget > 0:
            found[line.role] = Cost(line.budget // line.slots, currency, "plan")
    return found


def resolve_costs(session: Session, rows: list[Candidate]) -> dict[int, Cost]:
    """Each candidate's expected cost, unredacted: for the optimiser and the redacting readers below."""
    ids = [c.id for c in rows]
    offers = _offers_by_candidate(session, ids)
    estimates = {e.candidate_id: e for e in session.scalars(
        select(CandidateEstimate).where(CandidateEstimate.candidate_id.in_(ids or [-1])))}
    per_slot = _per_slot(session, money.plan_currency(session))
    found = {}
    for c in rows:
        offer, estimate = offers.get(c.id), estimates.get(c.id)
        if offer is not None:
            found[c.id] = Cost(offer.total_4y, offer.currency, "offer", offer.id, offer.status)
        elif estimate is not None and estimate.cost_4y is not None:
            found[c.id] = Cost(estimate.cost_4y, estimate.currency, "estimate")
        else:
            found[c.id] = per_slot.get(c.target_role, Cost(None, None, "none"))
    return found


def _out(session: Session, actor: Actor, rows: list[Candidate]) -> list[CandidateCost]:
    shown = can_see_compensation(actor)
    costs = resolve_costs(session, rows)
    chances = stage_chances(session)
    ids = [c.id for c in rows]
    estimates = {e.candidate_id: e for e in session.scalars(
        select(CandidateEstimate).where(CandidateEstimate.candidate_id.in_(ids or [-1])))}
    owners = {u.id: u.name for u in session.scalars(select(User))}
    found = []
    for c in rows:
        cost, e, stage = costs[c.id], estimates.get(c.id), chances.get(c.stage)
        own = e is not None and e.chance is not None
        chance = e.chance if e is not None and e.chance is not None else (stage.chance if stage else 0.0)
        found.append(CandidateCost(
            candidate_id=c.id, name=c.name, person_id=c.person_id, affiliation=c.affiliation, role=c.target_role,
            stage=c.stage, outcome=stage.outcome if stage else "open",
            owner_name=owners.get(c.owner_id) if c.owner_id is not None else None, redacted=not shown,
            cost=cost.amount if shown else None, currency=cost.currency if shown else None,
            cost_source=cost.source, offer_id=cost.offer_id,
            estimate=e.cost_4y if shown and e is not None else None,
            estimate_currency=e.currency if shown and e is not None else None, chance=chance,
            chance_source="candidate" if own else "stage", rule=e.slate_rule if e is not None else None,
            note=e.note if shown and e is not None else None, version=e.version if e is not None else 0))
    return found


def list_costs(session: Session, actor: Actor, *, role: str | None = None, include_closed: bool = False,
               ) -> list[CandidateCost]:
    """Every live candidate's expected cost and chance (open and hired; lost ones too with `include_closed`)."""
    require(actor, Perm.VIEW_PIPELINE)
    query = (select(Candidate).join(Stage, Stage.name == Candidate.stage).where(Candidate.erased_at.is_(None))
             .order_by(Candidate.target_role, Candidate.name, Candidate.id))
    if not include_closed:
        query = query.where(Stage.outcome != "lost")
    if role:
        query = query.where(Candidate.target_role == " ".join(role.strip().lower().split()))
    return _out(session, actor, list(session.scalars(query)))


def get_cost(session: Session, actor: Actor, candidate_id: int) -> CandidateCost:
    require(actor, Perm.VIEW_PIPELINE)
    return _out(session, actor, [candidates.load(session, candidate_id)])[0]


def set_estimate(session: Session, actor: Actor, candidate_id: int, estimate_in: EstimateIn, *,
                 expected_version: int | None = None) -> CandidateCost:
    """Change what the team expects of a candidate: cost (executive, HR), chance, rule in/out (executive, HR)."""
    require(actor, Perm.VIEW_PIPELINE)
    c = candidates.load(session, candidate_id)
    unknown = set(estimate_in.clear) - {"cost", "chance", "rule", "note"}
    if unknown:
        raise InvalidError(f"clear: unknown field(s) {', '.join(sorted(unknown))}; one of cost, chance, rule, note",
                           field="clear")
    touches_money = estimate_in.cost is not None or estimate_in.currency is not None or \
        estimate_in.note is not None or bool({"cost", "note"} & set(estimate_in.clear))
    if touches_money:
        require(actor, Perm.DRAFT_OFFERS)
    if estimate_in.rule is not None or "rule" in estimate_in.clear:
        require(actor, Perm.DRAFT_OFFERS)
    if estimate_in.chance is not None or "chance" in estimate_in.clear:
        require(actor, Perm.EDIT_CANDIDATES)
    row = session.get(CandidateEstimate, c.id)
    if expected_version is not None and expected_version != (row.version if row is not None else 0):
        raise ConflictError(f"the estimate of candidate {c.id} was changed meanwhile (now version "
                            f"{row.version if row is not None else 0}, you had {expected_version}); reload it")
    before = audit.snapshot(row) if row is not None else None
    if row is None:
        row = CandidateEstimate(candidate_id=c.id)
        session.add(row)
    if estimate_in.cost is not None:
        if isinstance(estimate_in.cost, bool) or not isinstance(estimate_in.cost, int) or \
                not 0 <= estimate_in.cost <= policy.MAX_AMOUNT:
            raise InvalidError(f"cost: a 4-year cost is a whole amount from 0 to {policy.MAX_AMOUNT:,}, not "
                               f"{estimate_in.cost!r}", field="cost")
        row.cost_4y = estimate_in.cost
        row.currency = money.parse_currency(estimate_in.currency or row.currency or money.plan_currency(session))
    elif estimate_in.currency is not None:
        row.currency = money.parse_currency(estimate_in.currency)
    if estimate_in.chance is not None:
        row.chance = _checked_chance(estimate_in.chance, "chance")
    if estimate_in.rule is not None:
        rule = estimate_in.rule.strip().lower()
        if rule not in RULES:
            raise InvalidError(f"rule: '{estimate_in.rule}' is not a slate rule; 'in' (must be in the slate) or "
                               "'out' (never)", field="rule")
        row.slate_rule = rule
    if estimate_in.note is not None:
        row.note = estimate_in.note.strip()[:2000] or None
    for name in estimate_in.clear:
        if name == "cost":
            row.cost_4y, row.currency = None, None
        else:
            setattr(row, {"chance": "chance", "rule": "slate_rule", "note": "note"}[name], None)
    row.updated_by = actor.user_id
    flush(session)
    audit.record(session, actor, "set", "candidate_estimate", c.id, before, audit.snapshot(row))
    return _out(session, actor, [c])[0]
