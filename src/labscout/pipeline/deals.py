"""Deals with start-ups (investments, acquisitions, acqui-hires, fund stakes) and the key people they bring."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from labscout.errors import ConflictError, InvalidError, NotFoundError
from labscout.pipeline import activities, audit, candidates, limits, money, policy
from labscout.pipeline.db import flush
from labscout.pipeline.models import Candidate, Deal, DealPerson, Stage
from labscout.pipeline.roles import Actor, Perm, require

KINDS = ("investment", "acquisition", "acqui-hire", "fund stake")
STATUSES = ("exploring", "negotiating", "signed", "closed", "dropped")


@dataclass(frozen=True, slots=True)
class KeyPerson:
    candidate_id: int
    name: str
    stage: str
    hired: bool
    note: str | None


@dataclass(frozen=True, slots=True)
class DealOut:
    id: int
    kind: str
    company: str
    amount: int
    currency: str
    stake_percent: str | None
    status: str
    notes: str | None
    key_people: list[KeyPerson]
    cost_per_key_person: int | None
    cost_per_key_hire: int | None
    version: int


def _kind(value: str) -> str:
    key = value.strip().lower().replace("_", "-").replace("acquihire", "acqui-hire")
    key = "fund stake" if key in ("fund-stake", "fund stake") else key
    if key not in KINDS:
        raise InvalidError(f"kind: unknown deal kind '{value}'; choose one of {', '.join(KINDS)}", field="kind")
    return key


def _status(value: str) -> str:
    key = value.strip().lower()
    if key not in STATUSES:
        raise InvalidError(f"status: unknown deal status '{value}'; choose one of {', '.join(STATUSES)}",
                           field="status")
    return key


def _stake(value: str | float | Decimal | None) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        stake = Decimal(str(value))
    except InvalidOperation:
        raise InvalidError(f"the stake '{value}' is not a percentage", field="stake_percent") from None
    if not 0 <= stake <= 100:
        raise InvalidError(f"the stake must be 0 to 100 percent, not {stake}", field="stake_percent")
    return stake.quantize(Decimal("0.001"))


def _amount(value: int) -> int:
    if not 0 <= value <= policy.MAX_AMOUNT:
        raise InvalidError(f"amount: must be 0 to {policy.MAX_AMOUNT:,}, not {value:,}", field="amount")
    return value


def out(session: Session, d: Deal) -> DealOut:
    rows = session.execute(select(DealPerson, Candidate, Stage.outcome).select_from(DealPerson)
                           .join(Candidate, Candidate.id == DealPerson.candidate_id)
                           .join(Stage, Stage.name == Candidate.stage)
                           .where(DealPerson.deal_id == d.id, Candidate.erased_at.is_(None))
                           .order_by(Candidate.name)).all()
    people = [KeyPerson(c.id, c.name, c.stage, outcome == "won", link.note) for link, c, outcome in rows]
    hired = sum(p.hired for p in people)
    return DealOut(d.id, d.kind, d.company, d.amount, d.currency,
                   None if d.stake_percent is None else str(d.stake_percent), d.status, d.notes, people,
                   d.amount // len(people) if people else None, d.amount // hired if hired else None, d.version)


def _load(session: Session, deal_id: int, expected_version: int | None = None) -> Deal:
    found = session.get(Deal, deal_id) if limits.valid_id(deal_id) else None
    if found is None:
        raise NotFoundError(f"no deal with id {deal_id}")
    if expected_version is not None and expected_version != found.version:
        raise ConflictError(f"deal {deal_id} ({found.company}) was changed{audit.changed_by(session, 'deal', deal_id)}"
                            f": now {found.status}, version {found.version} (you edited version {expected_version}); "
                            "reload and try again")
    return found


def create_deal(session: Session, actor: Actor, *, kind: str, company: str, amount: int,
                stake_percent: str | float | Decimal | None = None, status: str = "exploring",
                currency: str = "USD", notes: str | None = None) -> DealOut:
    require(actor, Perm.EDIT_DEALS)
    if not company.strip():
        raise InvalidError("company: a deal needs the company's name", field="company")
    limits.line("company", company, limits.COMPANY)
    limits.text("notes", notes, limits.NOTES)
    d = Deal(kind=_kind(kind), company=company.strip(), amount=_amount(amount), stake_percent=_stake(stake_percent),
             status=_status(status), currency=money.parse_currency(currency), notes=notes)
    session.add(d)
    flush(session)
    audit.record(session, actor, "create", "deal", d.id, None, audit.snapshot(d))
    return out(session, d)


def update_deal(session: Session, actor: Actor, deal_id: int, *, status: str | None = None,
                amount: int | None = None, stake_percent: str | None = None, notes: str | None = None,
                expected_version: int | None = None) -> DealOut:
    require(actor, Perm.EDIT_DEALS)
    d = _load(session, deal_id, expected_version)
    before = audit.snapshot(d)
    if status is not None:
        d.status = _status(status)
    if amount is not None:
        d.amount = _amount(amount)
    if stake_percent is not None:
        d.stake_percent = _stake(stake_percent)
    if notes is not None:
        d.notes = limits.text("notes", notes, limits.NOTES)
    flush(session)
    audit.record(session, actor, "update", "deal", d.id, before, audit.snapshot(d))
    return out(session, d)


def add_key_person(session: Session, actor: Actor, deal_id: int, candidate_id: int, note: str | None = None,
                   ) -> DealOut:
    """Name a candidate as a key person the deal brings; it shows on their timeline."""
    require(actor, Perm.EDIT_DEALS)
    d = _load(session, deal_id)
    c = candidates.load(session, candidate_id)
    limits.line("note", note, limits.KEY_PERSON_NOTE)
    if session.get(DealPerson, (deal_id, candidate_id)) is not None:
        raise ConflictError(f"{c.name} is already a key person of deal {deal_id}")
    session.add(DealPerson(deal_id=deal_id, candidate_id=candidate_id, note=note))
    # The company is left out of the timeline: who may not see deals reads the candidate's timeline too.
    activities.log(session, actor, candidate_id, "change", subject="key person of a deal", meta={"deal_id": d.id})
    audit.record(session, actor, "add_key_person", "deal", d.id, None, {"candidate_id": candidate_id, "note": note})
    flush(session)
    return out(session, d)


def get_deal(session: Session, actor: Actor, deal_id: int) -> DealOut:
    require(actor, Perm.SEE_DEALS)
    return out(session, _load(session, deal_id))


def list_deals(session: Session, actor: Actor, *, status: str | None = None, limit: int | None = None,
               offset: int = 0) -> list[DealOut]:
    """Deals in the order they were recorded; `limit` and `offset` take one page of them."""
    require(actor, Perm.SEE_DEALS)
    if limit is not None and limit < 1:
        raise InvalidError(f"limit: at least 1 deal a page, not {limit}", field="limit")
    if offset < 0:
        raise InvalidError(f"offset: deals count from 0, not {offset}", field="offset")
    query = select(Deal).order_by(Deal.id).offset(offset).limit(limit)
    if status:
        query = query.where(Deal.status == _status(status))
    return [out(session, d) for d in session.scalars(query)]
