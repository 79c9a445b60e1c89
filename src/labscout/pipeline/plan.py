"""The hiring plan and its budget: slots and budget by role, committed spend, exposure, progress.

Money is counted as 4-year totals (see offers.total_value): committed = accepted offers, exposure = offers
pending approval, approved or sent, each converted to the plan's currency (`money`) before it is added; an offer
in a currency without a rate makes the summary refuse rather than add unlike amounts. Budget figures are shown to
the executive and HR only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from labscout.errors import InvalidError, NotFoundError
from labscout.pipeline import audit, money, policy
from labscout.pipeline.db import flush
from labscout.pipeline.models import Candidate, Offer, PlanRole, Stage
from labscout.pipeline.offers import OUTSTANDING
from labscout.pipeline.roles import Actor, Perm, has, require


@dataclass(frozen=True, slots=True)
class RoleLine:
    role: str
    slots: int
    hired: int
    offers_out: int
    in_pipeline: int
    open_slots: int
    budget: int | None
    committed: int | None
    exposure: int | None
    remaining: int | None
    planned: bool


@dataclass(frozen=True, slots=True)
class PlanOut:
    roles: list[RoleLine]
    slots: int
    hired: int
    progress: float
    budget_total: int | None
    committed: int | None
    exposure: int | None
    remaining: int | None
    budget_shown: bool
    currency: str | None = None


def _grouped(session: Session, query: Any) -> dict[str, Any]:
    return {row[0]: row[1] for row in session.execute(query)}


def set_role(session: Session, actor: Actor, role: str, *, slots: int, budget: int | None = None) -> RoleLine:
    """Create or change one line of the plan (e.g. 35 researchers with a budget of 120,000,000)."""
    require(actor, Perm.EDIT_PLAN)
    key = " ".join(role.strip().lower().split())
    if not key:
        raise InvalidError("a plan line needs a role name", field="role")
    if not 0 <= slots <= 10_000:
        raise InvalidError(f"slots: must be 0 to 10,000, not {slots}", field="slots")
    if budget is not None and not 0 <= budget <= policy.MAX_AMOUNT:
        raise InvalidError(f"budget: must be 0 to {policy.MAX_AMOUNT:,}, not {budget:,}", field="budget")
    line = session.get(PlanRole, key)
    before = audit.snapshot(line) if line is not None else None
    if line is None:
        line = PlanRole(role=key, slots=slots, budget=budget or 0)
        session.add(line)
    else:
        line.slots = slots
        if budget is not None:
            line.budget = budget
    flush(session)
    audit.record(session, actor, "set" if before else "create", "plan_role", key, before, audit.snapshot(line))
    return next(r for r in plan_summary(session, actor).roles if r.role == key)


def remove_role(session: Session, actor: Actor, role: str) -> None:
    require(actor, Perm.EDIT_PLAN)
    line = session.get(PlanRole, role.strip().lower())
    if line is None:
        raise NotFoundError(f"the plan has no role '{role}'")
    audit.record(session, actor, "delete", "plan_role", line.role, audit.snapshot(line), None)
    session.delete(line)
    flush(session)


def plan_summary(session: Session, actor: Actor) -> PlanOut:
    """Where the plan stands: per role and in total; money left out for roles that may not see the budget."""
    require(actor, Perm.VIEW_PIPELINE)
    shown = has(actor, Perm.SEE_BUDGET)
    lines = {p.role: p for p in session.scalars(select(PlanRole).order_by(PlanRole.role))}
    outcome = Stage.outcome
    live = Candidate.erased_at.is_(None)
    hired = _grouped(session, select(Candidate.target_role, func.count()).join(Stage, Stage.name == Candidate.stage)
                                 .where(outcome == "won", live).group_by(Candidate.target_role))
    pipeline = _grouped(session, select(Candidate.target_role, func.count())
                                    .join(Stage, Stage.name == Candidate.stage)
                                    .where(outcome == "open", live).group_by(Candidate.target_role))
    committed = _in_plan_currency(session, Offer.status == "accepted", shown)
    exposure = _in_plan_currency(session, Offer.status.in_(OUTSTANDING), shown)
    offers_out = _grouped(session, select(Offer.role, func.count()).where(Offer.status.in_(OUTSTANDING))
                                      .group_by(Offer.role))
    # Roles with offers or hires but no plan line are shown too, as unplanned, so no spend goes unseen.
    names = sorted(set(lines) | set(committed) | set(exposure) | set(hired))
    roles = []
    for name in names:
        line = lines.get(name)
        slots = line.slots if line else 0
        budget = line.budget if line else 0
        spent, out_ = int(committed.get(name) or 0), int(exposure.get(name) or 0)
        roles.append(RoleLine(
            role=name, slots=slots, hired=int(hired.get(name, 0)), offers_out=int(offers_out.get(name, 0)),
            in_pipeline=int(pipeline.get(name, 0)), open_slots=max(0, slots - int(hired.get(name, 0))),
            budget=budget if shown else None, committed=spent if shown else None,
            exposure=out_ if shown else None, remaining=budget - spent - out_ if shown else None,
            planned=line is not None))
    total_slots = sum(r.slots for r in roles)
    total_hired = sum(min(r.hired, r.slots) for r in roles)
    total_budget = policy.budget_total(session)
    if total_budget is None:
        total_budget = sum(line.budget for line in lines.values())
    spent_all = sum(int(v or 0) for v in committed.values())
    out_all = sum(int(v or 0) for v in exposure.values())
    return PlanOut(
        roles=roles, slots=total_slots, hired=sum(r.hired for r in roles),
        progress=round(total_hired / total_slots, 4) if total_slots else 0.0,
        budget_total=total_budget if shown else None, committed=spent_all if shown else None,
        exposure=out_all if shown else None, remaining=total_budget - spent_all - out_all if shown else None,
        budget_shown=shown, currency=money.plan_currency(session) if shown else None)


def _in_plan_currency(session: Session, which: Any, shown: bool) -> dict[str, int]:
    """Per role, the 4-year totals of the offers `which` selects, each converted before they are added."""
    found: dict[str, int] = {}
    convert = money.Converter(session) if shown else None
    for role, currency, total in session.execute(select(Offer.role, Offer.currency, func.sum(Offer.total_4y))
                                                 .where(which).group_by(Offer.role, Offer.currency)):
        # Roles that may not see money still see that the role has offers; the figures are left out below.
        found[role] = found.get(role, 0) + (convert(int(total or 0), currency) if convert else 0)
    return found
