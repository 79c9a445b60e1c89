"""Team-wide settings kept in the database: the offer approval threshold and rule, the total hiring budget.

The threshold and the budget are in the plan's currency (`money`). Above the threshold, the approval rule says
who approves: another executive than the one who drafted it (the default), or, for a team with one executive,
anyone but the drafter followed by the CEO's explicit confirmation.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from labscout.errors import InvalidError
from labscout.pipeline import audit
from labscout.pipeline.db import flush
from labscout.pipeline.models import Setting, User
from labscout.pipeline.roles import Actor, Perm, Role, require

ANOTHER_EXECUTIVE = "another executive"
CEO_CONFIRMS = "ceo confirms"
RULES = (ANOTHER_EXECUTIVE, CEO_CONFIRMS)


@dataclass(frozen=True, slots=True)
class ApprovalRule:
    """Who approves an offer above the threshold; `ceo_id` is the CEO's user id under CEO_CONFIRMS."""

    rule: str = ANOTHER_EXECUTIVE
    ceo_id: int | None = None
    ceo_name: str | None = None

# Offers whose 4-year total exceeds this need the executive's approval (whole currency units).
DEFAULT_APPROVAL_THRESHOLD = 1_500_000
MAX_AMOUNT = 10**12


def _get(session: Session, key: str, default: int) -> int:
    row = session.get(Setting, key)
    return int(row.value["amount"]) if row is not None else default


def _set(session: Session, actor: Actor, key: str, amount: int) -> int:
    if not 0 <= amount <= MAX_AMOUNT:
        raise InvalidError(f"{key.replace('_', ' ')} must be between 0 and {MAX_AMOUNT:,}, not {amount:,}",
                           field="amount")
    row = session.get(Setting, key)
    before = dict(row.value) if row is not None else None
    if row is None:
        row = Setting(key=key, value={"amount": amount})
        session.add(row)
    else:
        row.value = {"amount": amount}
    flush(session)
    audit.record(session, actor, "set", "setting", key, before, {"amount": amount})
    return amount


def approval_threshold(session: Session) -> int:
    return _get(session, "approval_threshold", DEFAULT_APPROVAL_THRESHOLD)


def set_approval_threshold(session: Session, actor: Actor, amount: int) -> int:
    require(actor, Perm.CONFIGURE)
    return _set(session, actor, "approval_threshold", amount)


def budget_total(session: Session) -> int | None:
    """The total budget if one was set, else None (then the sum of the role budgets stands for it)."""
    row = session.get(Setting, "budget_total")
    return int(row.value["amount"]) if row is not None else None


def set_budget_total(session: Session, actor: Actor, amount: int) -> int:
    require(actor, Perm.EDIT_PLAN)
    return _set(session, actor, "budget_total", amount)


def approval_rule(session: Session) -> ApprovalRule:
    row = session.get(Setting, "approval_rule")
    if row is None:
        return ApprovalRule()
    ceo = session.get(User, row.value.get("ceo_id")) if row.value.get("ceo_id") else None
    return ApprovalRule(str(row.value["rule"]), ceo.id if ceo else None, ceo.name if ceo else None)


def set_approval_rule(session: Session, actor: Actor, rule: str, *, ceo_email: str | None = None) -> ApprovalRule:
    """Configure who approves above the threshold (executive): another executive, or the CEO confirming."""
    require(actor, Perm.CONFIGURE)
    key = " ".join(rule.strip().lower().replace("-", " ").replace("_", " ").split())
    if key not in RULES:
        raise InvalidError(f"rule: choose one of {', '.join(repr(r) for r in RULES)}, not '{rule}'")
    value: dict[str, object] = {"rule": key}
    if key == CEO_CONFIRMS:
        if not ceo_email:
            raise InvalidError("ceo: the rule 'ceo confirms' needs the CEO's e-mail address")
        ceo = session.scalar(select(User).where(User.email == ceo_email.strip().lower()))
        if ceo is None or ceo.role != Role.EXECUTIVE.value or not ceo.active:
            raise InvalidError(f"ceo: {ceo_email} is not an active executive")
        value["ceo_id"] = ceo.id
    row = session.get(Setting, "approval_rule")
    before = dict(row.value) if row is not None else None
    if row is None:
        session.add(Setting(key="approval_rule", value=value))
    else:
        row.value = value
    flush(session)
    audit.record(session, actor, "set", "setting", "approval_rule", before, value)
    return approval_rule(session)
