"""Team-wide numbers kept in the database: the offer approval threshold and the total hiring budget."""

from __future__ import annotations

from sqlalchemy.orm import Session

from labscout.errors import InvalidError
from labscout.pipeline import audit
from labscout.pipeline.db import flush
from labscout.pipeline.models import Setting
from labscout.pipeline.roles import Actor, Perm, require

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
