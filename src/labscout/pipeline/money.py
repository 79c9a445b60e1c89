"""Money in several currencies, counted in one: the plan's currency, by exchange rates the executive sets.

Offers and deals keep the currency they were made in. Wherever amounts are compared or added (the approval
threshold, committed spend, exposure, totals), each is converted to the plan's currency first; an amount whose
currency has no rate is refused, never counted as if it were the plan's own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from labscout.errors import InvalidError
from labscout.pipeline import audit
from labscout.pipeline.db import flush
from labscout.pipeline.models import ExchangeRate, Setting
from labscout.pipeline.roles import Actor, Perm, require

DEFAULT_CURRENCY = "USD"
CODE = re.compile(r"^[A-Z]{3}$")
# A rate outside this range is a typo (a rate given the wrong way round is still inside it: both are checked).
MIN_RATE, MAX_RATE = Decimal("0.000001"), Decimal("1000000")


@dataclass(frozen=True, slots=True)
class RateOut:
    currency: str
    rate: str
    plan_currency: str
    updated_at: datetime | None
    updated_by: str | None


def parse_currency(value: str, field: str = "currency") -> str:
    code = (value or "").strip().upper()
    if not CODE.match(code):
        raise InvalidError(f"{field}: expected a 3-letter currency code such as USD or EUR, not '{value}'")
    return code


def plan_currency(session: Session) -> str:
    row = session.get(Setting, "plan_currency")
    return str(row.value["code"]) if row is not None else DEFAULT_CURRENCY


def rates(session: Session) -> dict[str, Decimal]:
    """Units of the plan's currency per unit of each currency with a rate (the plan's own is 1)."""
    found = {r.currency: r.rate for r in session.scalars(select(ExchangeRate))}
    found[plan_currency(session)] = Decimal(1)
    return found


class Converter:
    """Converts amounts to the plan's currency with the rates read once."""

    def __init__(self, session: Session) -> None:
        self.currency = plan_currency(session)
        self.rates = rates(session)

    def known(self, currency: str) -> bool:
        return currency.upper() in self.rates

    def __call__(self, amount: int, currency: str) -> int:
        rate = self.rates.get(currency.upper())
        if rate is None:
            raise missing_rate(currency, self.currency)
        if rate == 1:
            return amount
        return int((Decimal(amount) * rate).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def missing_rate(currency: str, plan: str) -> InvalidError:
    return InvalidError(f"currency: no exchange rate from {currency.upper()} to the plan's {plan}; an executive sets "
                        f"one with `labscout plan rate {currency.upper()} RATE` (RATE {plan} per {currency.upper()})")


def require_rate(session: Session, currency: str) -> str:
    """The currency code, when amounts in it can be counted in the plan's currency; else a clear error."""
    code = parse_currency(currency)
    if code not in rates(session):
        raise missing_rate(code, plan_currency(session))
    return code


def _rate(value: str | Decimal | float) -> Decimal:
    try:
        rate = Decimal(str(value).strip())
    except InvalidOperation:
        raise InvalidError(f"rate: '{value}' is not a number") from None
    if not rate.is_finite() or not MIN_RATE <= rate <= MAX_RATE:
        raise InvalidError(f"rate: must be between {MIN_RATE} and {MAX_RATE:,}, not {value}")
    return rate


def set_rate(session: Session, actor: Actor, currency: str, rate: str | Decimal | float) -> RateOut:
    """Set how many units of the plan's currency one unit of `currency` is worth (executive)."""
    require(actor, Perm.CONFIGURE)
    code = parse_currency(currency)
    plan = plan_currency(session)
    if code == plan:
        raise InvalidError(f"currency: {code} is the plan's currency; its rate is 1")
    value = _rate(rate)
    row = session.get(ExchangeRate, code)
    before = audit.snapshot(row) if row is not None else None
    if row is None:
        row = ExchangeRate(currency=code, rate=value, updated_by=actor.name)
        session.add(row)
    else:
        row.rate, row.updated_by = value, actor.name
    flush(session)
    audit.record(session, actor, "set" if before else "create", "exchange_rate", code, before, audit.snapshot(row))
    return RateOut(code, str(row.rate.normalize()), plan, row.updated_at, row.updated_by)


def list_rates(session: Session, actor: Actor) -> list[RateOut]:
    require(actor, Perm.SEE_BUDGET)
    plan = plan_currency(session)
    return [RateOut(plan, "1", plan, None, None)] + [
        RateOut(r.currency, str(r.rate.normalize()), plan, r.updated_at, r.updated_by)
        for r in session.scalars(select(ExchangeRate).order_by(ExchangeRate.currency))]


def set_plan_currency(session: Session, actor: Actor, currency: str) -> list[RateOut]:
    """Count the plan in another currency: every rate is re-expressed against it (so it needs a rate itself)."""
    require(actor, Perm.CONFIGURE)
    code = parse_currency(currency)
    old = plan_currency(session)
    if code == old:
        return list_rates(session, actor)
    known = rates(session)
    pivot = known.get(code)
    if pivot is None:
        if len(known) > 1:
            raise missing_rate(code, old)
        pivot = Decimal(1)  # no other currency counted yet: nothing to re-express
    for row in list(session.scalars(select(ExchangeRate))):
        before = audit.snapshot(row)
        if row.currency == code:
            session.delete(row)
            audit.record(session, actor, "delete", "exchange_rate", row.currency, before, None)
            continue
        row.rate = (row.rate / pivot).quantize(Decimal("0.0000000001"))
        audit.record(session, actor, "set", "exchange_rate", row.currency, before, audit.snapshot(row))
    if len(known) > 1:
        session.add(ExchangeRate(currency=old, rate=(Decimal(1) / pivot).quantize(Decimal("0.0000000001")),
                                 updated_by=actor.name))
    setting = session.get(Setting, "plan_currency")
    before_value = dict(setting.value) if setting is not None else {"code": old}
    if setting is None:
        session.add(Setting(key="plan_currency", value={"code": code}))
    else:
        setting.value = {"code": code}
    flush(session)
    audit.record(session, actor, "set", "setting", "plan_currency", before_value, {"code": code})
    return list_rates(session, actor)
