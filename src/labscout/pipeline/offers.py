"""Offers: draft -> pending approval -> approved -> sent -> accepted | declined | expired (or withdrawn).

Compensation is visible to the executive and HR only: other roles get the same records with the figures left
out (`redacted`), and not even whether an offer is above the threshold. Four eyes: nobody approves an offer they
drafted. Above the approval threshold (compared in the plan's currency) the team's rule applies: another
executive approves, or someone else approves and the CEO confirms explicitly (`policy.approval_rule`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from labscout.errors import ConflictError, ForbiddenError, InvalidError, NotFoundError
from labscout.pipeline import activities, audit, candidates, limits, money, policy, stages
from labscout.pipeline.db import flush
from labscout.pipeline.models import Candidate, Offer, utcnow
from labscout.pipeline.roles import Actor, Perm, can_see_compensation, has, require

ACTIVE = ("draft", "pending_approval", "approved", "sent")
OUTSTANDING = ("pending_approval", "approved", "sent")
# Far beyond any real package: a figure above these is a typo (an extra zero), not an offer.
LIMITS = {"base": 10_000_000, "bonus": 20_000_000, "signing": 50_000_000, "equity_value": 2_000_000_000,
          "gpus": 100_000}
YEARS = 4
# What any currency's figure may be at most, before conversion (the database holds 64-bit integers).
MAX_FIGURE = 10**13


@dataclass(slots=True)
class OfferIn:
    base: int
    start_date: date
    expires_on: date
    bonus: int = 0
    signing: int = 0
    equity_value: int = 0
    vesting_years: int = 4
    vesting_cliff_months: int = 12
    gpus: int = 0
    currency: str = "USD"
    role: str | None = None
    notes: str | None = None


@dataclass(frozen=True, slots=True)
class OfferOut:
    id: int
    candidate_id: int
    candidate_name: str
    role: str
    status: str
    start_date: date
    expires_on: date
    redacted: bool
    currency: str | None
    base: int | None
    bonus: int | None
    signing: int | None
    equity_value: int | None
    vesting_years: int | None
    vesting_cliff_months: int | None
    gpus: int | None
    total_4y: int | None
    # The 4-year total in the plan's currency, and whether it is above the threshold (None when redacted).
    total_4y_plan: int | None
    plan_currency: str | None
    needs_executive: bool | None
    created_by: int | None
    approved_by: int | None
    confirmed_by: int | None
    decline_reason: str | None
    notes: str | None
    updated_at: datetime
    version: int
    steps: list[str] = field(default_factory=list)  # what the reader may do with it now


def total_value(o: OfferIn | Offer) -> int:
    """Four years of base and bonus, the signing bonus, and the equity that vests within four years."""
    vested = o.equity_value * min(YEARS, o.vesting_years) // o.vesting_years
    return YEARS * (o.base + o.bonus) + o.signing + vested


def validate(o: OfferIn, today: date, convert: Callable[[int], int] | None = None) -> None:
    """Reject negative or absurd figures and impossible dates, naming the field.

    `convert` turns an amount of the offer's currency into the plan's, where the plausible maxima are counted
    (150,000,000 yen is a base salary, 150,000,000 dollars a typo).
    """
    for name, limit in LIMITS.items():
        value = getattr(o, name)
        if not isinstance(value, int) or isinstance(value, bool):
            raise InvalidError(f"{name}: expected a whole number, got {value!r}", field=name)
        if value < 0:
            raise InvalidError(f"{name}: must not be negative ({value:,})", field=name)
        counted = value if convert is None or name == "gpus" or value > MAX_FIGURE else convert(value)
        if counted > limit or value > MAX_FIGURE:
            raise InvalidError(f"{name}: {value:,} is above the plausible maximum {limit:,}; check for a typo",
                               field=name)
    if o.base == 0:
        raise InvalidError("base: an offer needs a base salary", field="base")
    if not 1 <= o.vesting_years <= 10:
        raise InvalidError(f"vesting_years: must be 1 to 10, not {o.vesting_years}", field="vesting_years")
    if not 0 <= o.vesting_cliff_months <= 12 * o.vesting_years:
        raise InvalidError(f"vesting_cliff_months: must be 0 to {12 * o.vesting_years}, not {o.vesting_cliff_months}",
                           field="vesting_cliff_months")
    money.parse_currency(o.currency)
    limits.line("role", o.role, limits.ROLE)
    limits.text("notes", o.notes, limits.NOTES)
    # The offer starts to run today: an expiry before that would make it dead on arrival.
    if o.expires_on < today:
        raise InvalidError(f"expires_on: {o.expires_on} is before the offer starts to run ({today})",
                           field="expires_on")
    if o.start_date < today:
        raise InvalidError(f"start_date: {o.start_date} is in the past", field="start_date")


def in_plan_currency(session: Session, o: Offer) -> int:
    """The offer's 4-year total in the plan's currency; refused when its currency has no rate."""
    return money.Converter(session)(o.total_4y, o.currency)


def out(session: Session, actor: Actor, o: Offer) -> OfferOut:
    c = candidates.load(session, o.candidate_id)
    shown = can_see_compensation(actor)
    plan_total: int | None = None
    needs_exec: bool | None = None
    if shown:
        convert = money.Converter(session)
        plan_total = convert(o.total_4y, o.currency) if convert.known(o.currency) else None
        # Without a rate it cannot be counted: treat it as large, which is the safe side.
        needs_exec = plan_total is None or plan_total > policy.approval_threshold(session)

    def figure(value: int) -> int | None:
        return value if shown else None

    return OfferOut(o.id, o.candidate_id, c.name, o.role, o.status, o.start_date, o.expires_on, not shown,
                    o.currency if shown else None, figure(o.base), figure(o.bonus), figure(o.signing),
                    figure(o.equity_value), o.vesting_years if shown else None,
                    o.vesting_cliff_months if shown else None, o.gpus if shown else None, figure(o.total_4y),
                    plan_total, money.plan_currency(session) if shown else None, needs_exec, o.created_by,
                    o.approved_by, o.confirmed_by, o.decline_reason, o.notes if shown else None, o.updated_at,
                    o.version, allowed_steps(session, actor, o))


def _load(session: Session, offer_id: int, expected_version: int | None) -> Offer:
    found = session.get(Offer, offer_id) if limits.valid_id(offer_id) else None
    if found is None:
        raise NotFoundError(f"no offer with id {offer_id}")
    candidates.load(session, found.candidate_id)
    if expected_version is not None and expected_version != found.version:
        raise ConflictError(f"offer {offer_id} was changed{audit.changed_by(session, 'offer', offer_id)}: now "
                            f"{found.status.replace('_', ' ')}, version {found.version} (you had version "
                            f"{expected_version}); reload and try again")
    return found


def _change(session: Session, actor: Actor, o: Offer, status: str, allowed_from: tuple[str, ...], what: str,
            **values: object) -> None:
    if o.status not in allowed_from:
        raise ConflictError(f"offer {o.id} is {o.status.replace('_', ' ')}; it cannot be {what}")
    before = audit.snapshot(o)
    o.status = status
    for key, value in values.items():
        setattr(o, key, value)
    flush(session)
    reason = values.get("decline_reason")
    activities.log(session, actor, o.candidate_id, "offer", subject=f"offer {o.id} {what}",
                   body=reason if isinstance(reason, str) else None, meta={"offer_id": o.id, "status": status})
    audit.record(session, actor, what.replace(" ", "_"), "offer", o.id, before, audit.snapshot(o))
    flush(session)


def create_offer(session: Session, actor: Actor, candidate_id: int, offer_in: OfferIn, *,
                 today: date | None = None) -> OfferOut:
    """A draft offer for a candidate who has no other offer in progress."""
    require(actor, Perm.DRAFT_OFFERS)
    c = candidates.load(session, candidate_id)
    currency = money.require_rate(session, offer_in.currency)
    convert = money.Converter(session)
    validate(offer_in, today or utcnow().date(), lambda v: convert(v, currency))
    active = session.scalar(select(Offer).where(Offer.candidate_id == candidate_id, Offer.status.in_(ACTIVE)))
    if active is not None:
        raise ConflictError(f"{c.name} already has offer {active.id} ({active.status.replace('_', ' ')})")
    values = {f.name: getattr(offer_in, f.name) for f in fields(OfferIn)}
    values["role"] = (offer_in.role or c.target_role).strip().lower()
    values["currency"] = currency
    o = Offer(candidate_id=candidate_id, status="draft", total_4y=total_value(offer_in), created_by=actor.user_id,
              **values)
    session.add(o)
    flush(session)
    activities.log(session, actor, candidate_id, "offer", subject=f"offer {o.id} drafted",
                   meta={"offer_id": o.id, "status": "draft"})
    audit.record(session, actor, "create", "offer", o.id, None, audit.snapshot(o))
    flush(session)
    return out(session, actor, o)


def update_offer(session: Session, actor: Actor, offer_id: int, offer_in: OfferIn, *,
                 expected_version: int | None = None, today: date | None = None) -> OfferOut:
    """Replace a draft's terms (only drafts change; an approved offer must be withdrawn and redrafted)."""
    require(actor, Perm.DRAFT_OFFERS)
    o = _load(session, offer_id, expected_version)
    if o.status != "draft":
        raise ConflictError(f"offer {o.id} is {o.status.replace('_', ' ')}; only drafts can be changed")
    currency = money.require_rate(session, offer_in.currency)
    convert = money.Converter(session)
    validate(offer_in, today or utcnow().date(), lambda v: convert(v, currency))
    before = audit.snapshot(o)
    for f in fields(OfferIn):
        if f.name != "role" or offer_in.role:
            setattr(o, f.name, getattr(offer_in, f.name))
    o.currency = currency
    o.total_4y = total_value(o)
    flush(session)
    audit.record(session, actor, "update", "offer", o.id, before, audit.snapshot(o))
    return out(session, actor, o)


def submit_offer(session: Session, actor: Actor, offer_id: int, *, expected_version: int | None = None,
                 ) -> OfferOut:
    require(actor, Perm.DRAFT_OFFERS)
    o = _load(session, offer_id, expected_version)
    in_plan_currency(session, o)  # an offer that cannot be compared with the threshold cannot be approved
    _change(session, actor, o, "pending_approval", ("draft",), "submitted for approval")
    return out(session, actor, o)


def approve_offer(session: Session, actor: Actor, offer_id: int, *, expected_version: int | None = None,
                  confirm: bool = False) -> OfferOut:
    """Approve a pending offer: never one's own draft; above the threshold, as the team's rule says.

    Under 'another executive' an executive other than the drafter approves. Under 'ceo confirms' anyone who may
    approve, but the drafter, approves and the CEO confirms with `confirm=True` (the CEO may do both at once
    for an offer someone else drafted); until both, the offer stays pending approval.
    """
    require(actor, Perm.APPROVE_OFFERS)
    o = _load(session, offer_id, expected_version)
    if o.status != "pending_approval":
        raise ConflictError(f"offer {o.id} is {o.status.replace('_', ' ')}; it cannot be approved")
    refusal, outcome = _approval(session, actor, o, confirm)
    if refusal is not None:
        raise ForbiddenError(refusal)
    if outcome == "first":  # 'ceo confirms': approved by a second person, the CEO's confirmation to come
        before = audit.snapshot(o)
        o.approved_by = actor.user_id
        flush(session)
        activities.log(session, actor, o.candidate_id, "offer",
                       subject=f"offer {o.id} approved, awaiting the CEO's confirmation",
                       meta={"offer_id": o.id, "status": o.status})
        audit.record(session, actor, "approve", "offer", o.id, before, audit.snapshot(o))
        flush(session)
    elif outcome == "confirm":
        _change(session, actor, o, "approved", ("pending_approval",), "approved and confirmed by the CEO",
                approved_by=o.approved_by or actor.user_id, confirmed_by=actor.user_id)
    else:
        _change(session, actor, o, "approved", ("pending_approval",), "approved", approved_by=actor.user_id)
    return out(session, actor, o)


def _approval(session: Session, actor: Actor, o: Offer, confirm: bool) -> tuple[str | None, str]:
    """Why this actor may not approve this offer now (None when they may), and what their approval does.

    The outcome is "approve" (the offer is approved), "first" (under 'ceo confirms': the second person's
    approval, the CEO's confirmation still to come) or "confirm" (the CEO's explicit confirmation).
    """
    if o.status != "pending_approval":
        return f"offer {o.id} is {o.status.replace('_', ' ')}", "approve"
    try:
        total = in_plan_currency(session, o)
    except InvalidError as exc:
        return str(exc), "approve"
    large = total > policy.approval_threshold(session)
    rule = policy.approval_rule(session)
    drafted = o.created_by == actor.user_id
    if not large or rule.rule == policy.ANOTHER_EXECUTIVE:
        if drafted:
            return f"offer {o.id}: nobody approves an offer they drafted; another person must", "approve"
        if large and not has(actor, Perm.APPROVE_LARGE_OFFERS):
            return (f"offer {o.id} is above the approval threshold: another executive than the one who drafted it "
                    "approves", "approve")
        return None, "approve"
    if rule.ceo_id is None:
        return "the approval rule names no active CEO; an executive sets the rule again", "approve"
    if actor.user_id == rule.ceo_id:
        if not confirm:
            return f"offer {o.id} is above the approval threshold: the CEO confirms it explicitly", "confirm"
        if drafted and o.approved_by is None:
            return f"offer {o.id}: nobody approves an offer they drafted; another person approves first", "confirm"
        return None, "confirm"
    if drafted:
        return f"offer {o.id}: nobody approves an offer they drafted; another person must", "first"
    if o.approved_by is not None:
        return f"offer {o.id} is approved already and awaits the CEO's confirmation", "first"
    return None, "first"


def return_offer(session: Session, actor: Actor, offer_id: int, reason: str, *,
                 expected_version: int | None = None) -> OfferOut:
    """Send a pending offer back to draft with the approver's reason."""
    require(actor, Perm.APPROVE_OFFERS)
    if not reason.strip():
        raise InvalidError("returning an offer needs a reason", field="reason")
    limits.text("reason", reason, limits.REASON)
    o = _load(session, offer_id, expected_version)
    _change(session, actor, o, "draft", ("pending_approval",), "returned to draft", decline_reason=reason.strip(),
            approved_by=None, confirmed_by=None)
    return out(session, actor, o)


def send_offer(session: Session, actor: Actor, offer_id: int, *, expected_version: int | None = None) -> OfferOut:
    """Mark an approved offer as sent to the candidate, and move the candidate to the offer stage."""
    require(actor, Perm.DRAFT_OFFERS)
    o = _load(session, offer_id, expected_version)
    _change(session, actor, o, "sent", ("approved",), "sent")
    c = candidates.load(session, o.candidate_id)
    # Teams may have renamed or removed the offer stage; then the candidate stays where they are.
    known = {s.name: s.outcome for s in stages.list_stages(session)}
    if c.stage != "offer" and "offer" in known and known.get(c.stage) == "open":
        candidates.move_stage(session, actor, c.id, "offer")
    return out(session, actor, o)


def accept_offer(session: Session, actor: Actor, offer_id: int, *, today: date | None = None,
                 expected_version: int | None = None) -> OfferOut:
    """Record the candidate's acceptance; the candidate moves to the first won stage (accepted)."""
    require(actor, Perm.DRAFT_OFFERS)
    o = _load(session, offer_id, expected_version)
    if o.status == "sent" and o.expires_on < (today or utcnow().date()):
        raise ConflictError(f"offer {o.id} expired on {o.expires_on}; mark it expired and draft a new one")
    _change(session, actor, o, "accepted", ("sent",), "accepted")
    won = next((s for s in stages.list_stages(session) if s.outcome == "won"), None)
    c = candidates.load(session, o.candidate_id)
    if won is not None and c.stage != won.name:
        reason = None if stages.get_stage(session, c.stage).outcome == "open" else f"accepted offer {o.id}"
        candidates.move_stage(session, actor, c.id, won.name, reason=reason)
    return out(session, actor, o)


def decline_offer(session: Session, actor: Actor, offer_id: int, reason: str, *,
                  expected_version: int | None = None) -> OfferOut:
    """Record that the candidate said no, and why; the candidate moves to `declined`."""
    require(actor, Perm.DRAFT_OFFERS)
    if not reason.strip():
        raise InvalidError("a declined offer needs the reason the candidate gave", field="reason")
    limits.text("reason", reason, limits.REASON)
    o = _load(session, offer_id, expected_version)
    _change(session, actor, o, "declined", ("sent",), "declined", decline_reason=reason.strip())
    c = candidates.load(session, o.candidate_id)
    lost = [s for s in stages.list_stages(session) if s.outcome == "lost"]
    target = next((s for s in lost if s.name == "declined"), lost[0] if lost else None)
    if target is not None and c.stage != target.name:
        candidates.move_stage(session, actor, c.id, target.name, reason=f"declined offer {o.id}: {reason.strip()}")
    return out(session, actor, o)


def withdraw_offer(session: Session, actor: Actor, offer_id: int, reason: str, *,
                   expected_version: int | None = None) -> OfferOut:
    require(actor, Perm.DRAFT_OFFERS)
    if not reason.strip():
        raise InvalidError("withdrawing an offer needs a reason", field="reason")
    limits.text("reason", reason, limits.REASON)
    o = _load(session, offer_id, expected_version)
    _change(session, actor, o, "withdrawn", ACTIVE, "withdrawn", decline_reason=reason.strip())
    return out(session, actor, o)


def expire_offers(session: Session, actor: Actor, *, today: date | None = None) -> list[OfferOut]:
    """Mark every sent offer past its expiry date as expired."""
    require(actor, Perm.DRAFT_OFFERS)
    day = today or utcnow().date()
    due = list(session.scalars(select(Offer).where(Offer.status == "sent", Offer.expires_on < day)))
    for o in due:
        _change(session, actor, o, "expired", ("sent",), "expired")
    return [out(session, actor, o) for o in due]


# Every step an offer can take, in the order of its life; `step` dispatches them for every interface.
# "confirm" is the CEO's explicit approval above the threshold, under the 'ceo confirms' rule.
STEPS = ("submit", "approve", "confirm", "return", "send", "accept", "decline", "withdraw")
# The steps that need a reason, and which status each step starts from.
NEEDS_REASON = ("return", "decline", "withdraw")
FROM_STATUS: dict[str, tuple[str, ...]] = {
    "submit": ("draft",), "approve": ("pending_approval",), "confirm": ("pending_approval",),
    "return": ("pending_approval",),
    "send": ("approved",), "accept": ("sent",), "decline": ("sent",), "withdraw": ACTIVE}
STEP_PERM = {"approve": Perm.APPROVE_OFFERS, "confirm": Perm.APPROVE_LARGE_OFFERS, "return": Perm.APPROVE_OFFERS}


def step(session: Session, actor: Actor, offer_id: int, name: str, *, reason: str | None = None,
         expected_version: int | None = None, today: date | None = None) -> OfferOut:
    """Take one step of an offer's life (submit, approve, return, send, accept, decline, withdraw)."""
    key = name.strip().lower()
    if key not in STEPS:
        raise InvalidError(f"no offer step '{name}'; one of {', '.join(STEPS)}", field="step")
    if key == "submit":
        return submit_offer(session, actor, offer_id, expected_version=expected_version)
    if key in ("approve", "confirm"):
        return approve_offer(session, actor, offer_id, expected_version=expected_version, confirm=key == "confirm")
    if key == "send":
        return send_offer(session, actor, offer_id, expected_version=expected_version)
    if key == "accept":
        return accept_offer(session, actor, offer_id, expected_version=expected_version, today=today)
    act = {"return": return_offer, "decline": decline_offer, "withdraw": withdraw_offer}[key]
    return act(session, actor, offer_id, reason or "", expected_version=expected_version)


def allowed_steps(session: Session, actor: Actor, o: Offer) -> list[str]:
    """The steps this actor may take on this offer now (what the buttons offer; the services still check)."""
    found = []
    for key in STEPS:
        if o.status not in FROM_STATUS[key] or not has(actor, STEP_PERM.get(key, Perm.DRAFT_OFFERS)):
            continue
        if key in ("approve", "confirm"):
            refusal, outcome = _approval(session, actor, o, confirm=key == "confirm")
            if refusal is not None or (key == "approve") == (outcome == "confirm"):
                continue
        found.append(key)
    return found


def get_offer(session: Session, actor: Actor, offer_id: int) -> OfferOut:
    require(actor, Perm.VIEW_PIPELINE)
    return out(session, actor, _load(session, offer_id, None))


def list_offers(session: Session, actor: Actor, *, status: str | None = None, candidate_id: int | None = None,
                limit: int = 1000, offset: int = 0) -> list[OfferOut]:
    require(actor, Perm.VIEW_PIPELINE)
    # An erased candidate's offers stay (anonymous, so the budget adds up) but are listed nowhere.
    query = select(Offer).join(Candidate, Candidate.id == Offer.candidate_id).where(Candidate.erased_at.is_(None))
    if status:
        query = query.where(Offer.status == status.strip().lower().replace(" ", "_"))
    if candidate_id is not None:
        candidates.load(session, candidate_id)
        query = query.where(Offer.candidate_id == candidate_id)
    return [out(session, actor, o) for o in session.scalars(query.order_by(Offer.id).offset(offset).limit(limit))]
