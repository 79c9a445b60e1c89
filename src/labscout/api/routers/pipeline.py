"""The recruiting pipeline over HTTP: candidates, stages, timeline and discussion, offers, plan, deals, feed.

Every endpoint calls a pipeline service with the signed-in actor; the services decide who may do what and
what they may see (compensation is redacted for roles without it), so the API cannot leak what they hide.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi import Path as FastPath
from pydantic import BaseModel, Field

from labscout.api.deps import Found, SignedIn, Unit, resources
from labscout.pipeline import activities, candidates, deals, limits, offers, outreach, plan, policy, stages
from labscout.pipeline.candidates import CandidateIn
from labscout.pipeline.db import units_of

router = APIRouter(tags=["pipeline"])
Limit = Annotated[int, Query(ge=1, le=1000)]
# An id that no record can have (0, negative, beyond 32 bits) is answered by the service: 404, not found.
Id = Annotated[int, FastPath(description="the record's id")]
MONEY = 10**13
Offset = Annotated[int, Query(ge=0, le=1_000_000)]


# The lengths and counts are the services' own (pipeline.limits): a page's form is held to the same.
Tag = Annotated[str, Field(max_length=limits.TAG)]
Attendee = Annotated[str, Field(max_length=limits.ATTENDEE)]


class CandidateCreate(BaseModel):
    """A candidate: a research person (`person_id`: name and organisation come from the store) or by hand."""

    name: str | None = Field(default=None, min_length=1, max_length=limits.NAME)
    target_role: str = Field(min_length=1, max_length=limits.ROLE)
    person_id: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=limits.EMAIL)
    affiliation: str | None = Field(default=None, max_length=limits.AFFILIATION)
    priority: int | None = Field(default=None, ge=1, le=5)
    tags: list[Tag] | None = Field(default=None, max_length=limits.TAGS)
    source: str | None = Field(default=None, max_length=limits.SOURCE)
    notes: str | None = Field(default=None, max_length=limits.NOTES)


class StageMove(BaseModel):
    stage: str = Field(min_length=1, max_length=limits.STAGE)
    expected_version: int | None = Field(default=None, ge=0, le=limits.MAX_ID)
    reason: str | None = Field(default=None, max_length=limits.REASON)


class EmailSend(BaseModel):
    """One e-mail: to the candidate's address unless `to` gives another; `template` records what it was drafted from."""

    subject: str = Field(min_length=1, max_length=limits.SUBJECT)
    body: str = Field(min_length=1, max_length=limits.BODY)
    to: str | None = Field(default=None, max_length=limits.EMAIL)
    template: str | None = Field(default=None, min_length=1, max_length=limits.TEMPLATE_NAME)


class NoteCreate(BaseModel):
    text: str = Field(min_length=1, max_length=limits.COMMENT)


class ActivityCreate(BaseModel):
    kind: str = Field(max_length=20)
    subject: str | None = Field(default=None, max_length=limits.SUBJECT)
    body: str | None = Field(default=None, max_length=limits.BODY)
    place: str | None = Field(default=None, max_length=limits.PLACE)
    attendees: list[Attendee] | None = Field(default=None, max_length=limits.ATTENDEES)
    occurred_at: datetime | None = None


class OfferCreate(BaseModel):
    base: int = Field(ge=0, le=MONEY)
    start_date: date
    expires_on: date
    bonus: int = Field(default=0, ge=0, le=MONEY)
    signing: int = Field(default=0, ge=0, le=MONEY)
    equity_value: int = Field(default=0, ge=0, le=MONEY)
    vesting_years: int = Field(default=4, ge=1, le=10)
    vesting_cliff_months: int = Field(default=12, ge=0, le=60)
    gpus: int = Field(default=0, ge=0, le=10_000_000)
    currency: str = Field(default="USD", min_length=3, max_length=3)
    role: str | None = Field(default=None, max_length=limits.ROLE)
    notes: str | None = Field(default=None, max_length=limits.NOTES)


class OfferStep(BaseModel):
    expected_version: int | None = Field(default=None, ge=0, le=limits.MAX_ID)
    reason: str | None = Field(default=None, max_length=limits.REASON)


class RoleSlots(BaseModel):
    slots: int = Field(ge=0, le=10_000)
    budget: int | None = Field(default=None, ge=0, le=MONEY)


class DealCreate(BaseModel):
    kind: str = Field(max_length=20)
    company: str = Field(min_length=1, max_length=limits.COMPANY)
    amount: int = Field(ge=0, le=MONEY)
    stake_percent: float | None = Field(default=None, ge=0, le=100)
    status: str = Field(default="exploring", max_length=20)
    currency: str = Field(default="USD", min_length=3, max_length=3)
    notes: str | None = Field(default=None, max_length=limits.NOTES)


class CandidateUpdate(BaseModel):
    """The fields to change (left out: as they are; an empty string clears e-mail, affiliation, owner, notes)."""

    name: str | None = Field(default=None, min_length=1, max_length=limits.NAME)
    target_role: str | None = Field(default=None, min_length=1, max_length=limits.ROLE)
    email: str | None = Field(default=None, max_length=limits.EMAIL)
    affiliation: str | None = Field(default=None, max_length=limits.AFFILIATION)
    owner_email: str | None = Field(default=None, max_length=limits.EMAIL)
    priority: int | None = Field(default=None, ge=1, le=5)
    tags: list[Tag] | None = Field(default=None, max_length=limits.TAGS)
    notes: str | None = Field(default=None, max_length=limits.NOTES)
    expected_version: int | None = Field(default=None, ge=0, le=limits.MAX_ID)


class Amount(BaseModel):
    amount: int = Field(ge=0, le=MONEY)


class OutreachStage(BaseModel):
    stage: str | None = Field(default=None, max_length=limits.STAGE)


class DealUpdate(BaseModel):
    status: str | None = Field(default=None, max_length=20)
    amount: int | None = Field(default=None, ge=0, le=MONEY)
    stake_percent: float | None = Field(default=None, ge=0, le=100)
    notes: str | None = Field(default=None, max_length=limits.NOTES)
    expected_version: int | None = Field(default=None, ge=0, le=limits.MAX_ID)


class KeyPersonIn(BaseModel):
    candidate_id: int = Field(ge=1, le=limits.MAX_ID)
    note: str | None = Field(default=None, max_length=limits.KEY_PERSON_NOTE)


class Unread(BaseModel):
    unread: int


@router.get("/candidates", summary="Candidates, highest priority first")
def list_candidates(unit: Unit, who: SignedIn, stage: str | None = None, role: str | None = None,
                    tag: Annotated[str | None, Query(max_length=40)] = None,
                    text: Annotated[str | None, Query(max_length=200)] = None, limit: Limit = 100,
                    offset: Offset = 0) -> list[candidates.CandidateOut]:
    return candidates.list_candidates(unit, who, stage=stage, role=role, tag=tag, text=text, limit=limit,
                                      offset=offset)


@router.post("/candidates", status_code=201, summary="Add a candidate (a research person, or by hand)",
             responses={409: {"description": "The person is a candidate already: `existing` is that candidate"}})
def create_candidate(unit: Unit, who: SignedIn, found: Found, body: CandidateCreate) -> candidates.CandidateOut:
    data = CandidateIn(**body.model_dump(exclude={"person_id"}))
    if body.person_id:
        return candidates.add_from_person(unit, who, found.store, body.person_id, data)
    return candidates.create_candidate(unit, who, data)


@router.get("/candidates/{candidate_id}", summary="One candidate")
def get_candidate(unit: Unit, who: SignedIn, candidate_id: Id) -> candidates.CandidateOut:
    return candidates.get_candidate(unit, who, candidate_id)


@router.patch("/candidates/{candidate_id}", summary="Change a candidate's fields (refused on a stale version)")
def update_candidate(unit: Unit, who: SignedIn, candidate_id: Id, body: CandidateUpdate) -> candidates.CandidateOut:
    return candidates.update_candidate(unit, who, candidate_id,
                                       CandidateIn(**body.model_dump(exclude={"expected_version"})),
                                       expected_version=body.expected_version)


@router.post("/candidates/{candidate_id}/stage", summary="Move a candidate to another stage")
def move_stage(unit: Unit, who: SignedIn, candidate_id: Id, body: StageMove) -> candidates.CandidateOut:
    return candidates.move_stage(unit, who, candidate_id, body.stage, expected_version=body.expected_version,
                                 reason=body.reason)


@router.get("/candidates/{candidate_id}/timeline", summary="Everything that happened with a candidate")
def timeline(unit: Unit, who: SignedIn, candidate_id: Id, limit: Limit = 1000,
             offset: Offset = 0) -> list[activities.ActivityOut]:
    return activities.timeline(unit, who, candidate_id, limit=limit, offset=offset)


@router.post("/candidates/{candidate_id}/notes", status_code=201, summary="Post to the discussion (@mentions)")
def post_note(unit: Unit, who: SignedIn, candidate_id: Id, body: NoteCreate) -> activities.ActivityOut:
    return activities.comment(unit, who, candidate_id, body.text)


@router.post("/candidates/{candidate_id}/activities", status_code=201,
             summary="Log an e-mail, call, meeting or note")
def log_activity(unit: Unit, who: SignedIn, candidate_id: Id, body: ActivityCreate) -> activities.ActivityOut:
    return activities.log_activity(unit, who, candidate_id, body.kind, subject=body.subject, body=body.body,
                                   place=body.place, attendees=body.attendees, occurred_at=body.occurred_at)


@router.get("/outreach/templates", summary="The templates outreach drafts are written from")
def outreach_templates(unit: Unit, who: SignedIn) -> list[outreach.TemplateOut]:
    return outreach.list_templates(unit, who)


@router.get("/candidates/{candidate_id}/draft",
            summary="A message from a template for a human to read and edit; nothing is sent")
def draft_email(unit: Unit, who: SignedIn, found: Found, candidate_id: Id,
                template: Annotated[str, Query(min_length=1, max_length=limits.TEMPLATE_NAME)] = "intro",
                ) -> outreach.Draft:
    return outreach.compose(unit, who, candidate_id, template, store=found.store)


@router.post("/candidates/{candidate_id}/email", status_code=201,
             summary="Send one e-mail now: logged as sending first, then sent or failed (a 409 says why)")
def send_email(request: Request, unit: Unit, who: SignedIn, found: Found, candidate_id: Id,
               body: EmailSend) -> activities.ActivityOut:
    draft = outreach.compose(unit, who, candidate_id, body.template, store=found.store) if body.template else None
    unit.rollback()  # read only: the sending flow takes its own transactions, in their safe order
    return outreach.send_email(units_of(resources(request).engine), who, candidate_id, subject=body.subject,
                               body=body.body, smtp=resources(request).settings.smtp, to=body.to,
                               template=body.template, evidence=draft.evidence if draft else None)


@router.get("/feed", summary="What changed across the team")
def feed(unit: Unit, who: SignedIn, limit: Limit = 50, offset: Offset = 0) -> list[activities.ActivityOut]:
    return activities.feed(unit, who, limit=limit, offset=offset)


@router.get("/mentions", summary="Comments that name you, unread first (reading marks them read)")
def mentions(unit: Unit, who: SignedIn, limit: Limit = 50, offset: Offset = 0) -> list[activities.MentionOut]:
    return activities.inbox(unit, who, limit=limit, offset=offset)


@router.get("/mentions/unread", summary="How many comments name you that you have not read")
def unread_mentions(unit: Unit, who: SignedIn) -> Unread:
    return Unread(unread=activities.unread_mentions(unit, who))


@router.put("/stages/outreach", summary="The stage a first e-mail moves a candidate to (null: no move)")
def set_outreach_stage(unit: Unit, who: SignedIn, body: OutreachStage) -> OutreachStage:
    return OutreachStage(stage=stages.set_outreach_stage(unit, who, body.stage))


@router.get("/offers", summary="Offers; figures only for roles allowed to see compensation")
def list_offers(unit: Unit, who: SignedIn, status: str | None = None,
                candidate_id: Annotated[int | None, Query(ge=1, le=limits.MAX_ID)] = None, limit: Limit = 1000,
                offset: Offset = 0) -> list[offers.OfferOut]:
    return offers.list_offers(unit, who, status=status, candidate_id=candidate_id, limit=limit, offset=offset)


@router.post("/candidates/{candidate_id}/offers", status_code=201, summary="Draft an offer")
def create_offer(unit: Unit, who: SignedIn, candidate_id: Id, body: OfferCreate) -> offers.OfferOut:
    return offers.create_offer(unit, who, candidate_id, offers.OfferIn(**body.model_dump()))


@router.get("/offers/{offer_id}", summary="One offer")
def get_offer(unit: Unit, who: SignedIn, offer_id: Id) -> offers.OfferOut:
    return offers.get_offer(unit, who, offer_id)


@router.post("/offers/{offer_id}/{step}",
             summary="Take a step: submit, approve, return, send, accept, decline or withdraw an offer")
def offer_step(unit: Unit, who: SignedIn, offer_id: Id, step: str, body: OfferStep) -> offers.OfferOut:
    return offers.step(unit, who, offer_id, step, reason=body.reason, expected_version=body.expected_version)


@router.get("/plan", summary="Hiring plan and budget: slots, hires, committed and exposure")
def get_plan(unit: Unit, who: SignedIn) -> plan.PlanOut:
    return plan.plan_summary(unit, who)


@router.put("/plan/roles/{role}", summary="Set a role's slots and budget")
def set_role(unit: Unit, who: SignedIn, role: str, body: RoleSlots) -> plan.RoleLine:
    return plan.set_role(unit, who, role, slots=body.slots, budget=body.budget)


@router.delete("/plan/roles/{role}", status_code=204, summary="Take a role out of the plan")
def remove_role(unit: Unit, who: SignedIn, role: str) -> None:
    plan.remove_role(unit, who, role)


@router.put("/plan/budget", summary="Set the total 4-year hiring budget")
def set_budget(unit: Unit, who: SignedIn, body: Amount) -> Amount:
    return Amount(amount=policy.set_budget_total(unit, who, body.amount))


@router.put("/plan/threshold", summary="Set the 4-year total above which only the executive approves an offer")
def set_threshold(unit: Unit, who: SignedIn, body: Amount) -> Amount:
    return Amount(amount=policy.set_approval_threshold(unit, who, body.amount))


@router.get("/deals", summary="Investments, acquisitions, acqui-hires and fund stakes")
def list_deals(unit: Unit, who: SignedIn, status: str | None = None, limit: Limit = 1000,
               offset: Offset = 0) -> list[deals.DealOut]:
    return deals.list_deals(unit, who, status=status, limit=limit, offset=offset)


@router.post("/deals", status_code=201, summary="Record a deal")
def create_deal(unit: Unit, who: SignedIn, body: DealCreate) -> deals.DealOut:
    return deals.create_deal(unit, who, kind=body.kind, company=body.company, amount=body.amount,
                             stake_percent=body.stake_percent, status=body.status, currency=body.currency,
                             notes=body.notes)


@router.patch("/deals/{deal_id}", summary="Change a deal's status, amount, stake or notes")
def update_deal(unit: Unit, who: SignedIn, deal_id: Id, body: DealUpdate) -> deals.DealOut:
    return deals.update_deal(unit, who, deal_id, status=body.status, amount=body.amount,
                             stake_percent=None if body.stake_percent is None else str(body.stake_percent),
                             notes=body.notes, expected_version=body.expected_version)


@router.post("/deals/{deal_id}/people", summary="Name a candidate as a key person the deal brings")
def add_key_person(unit: Unit, who: SignedIn, deal_id: Id, body: KeyPersonIn) -> deals.DealOut:
    return deals.add_key_person(unit, who, deal_id, body.candidate_id, body.note)
