"""Everything held about one person, exported as data, and erasure of it (the audit keeps that it happened)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from labscout.errors import InvalidError, NotFoundError
from labscout.pipeline import audit, candidates
from labscout.pipeline.db import flush
from labscout.pipeline.identity_models import CandidatePersonLink
from labscout.pipeline.models import (
    Activity,
    AuditEntry,
    Candidate,
    Deal,
    DealPerson,
    Mention,
    Offer,
    StageTransition,
    User,
    utcnow,
)
from labscout.pipeline.roles import Actor, Perm, require
from labscout.pipeline.team_models import CandidateEstimate, SeatAssignment

ERASED = "[erased]"


def resolve_candidate(session: Session, actor: Actor, ref: str) -> int:
    """The candidate meant by `ref`: a candidate id, an e-mail address or a research person id."""
    require(actor, Perm.VIEW_PIPELINE)
    ref = ref.strip()
    if ref.isdigit():
        return candidates.load(session, int(ref)).id
    column = Candidate.email if "@" in ref else Candidate.person_id
    found = list(session.scalars(select(Candidate.id).where(column == (ref.lower() if "@" in ref else ref),
                                                            Candidate.erased_at.is_(None))))
    if not found:
        raise NotFoundError(f"no candidate with {'e-mail' if '@' in ref else 'person id'} {ref}")
    if len(found) > 1:
        raise InvalidError(f"{len(found)} candidates match {ref} (ids {', '.join(map(str, found))}); give an id")
    return found[0]


def _audit_about(candidate_id: int, activity_ids: list[int], offer_ids: list[int]) -> Any:
    return or_(
        (AuditEntry.entity == "candidate") & (AuditEntry.entity_id == str(candidate_id)),
        (AuditEntry.entity == "activity") & AuditEntry.entity_id.in_([str(i) for i in activity_ids] or ["-"]),
        (AuditEntry.entity == "offer") & AuditEntry.entity_id.in_([str(i) for i in offer_ids] or ["-"]),
    )


def export_person(session: Session, actor: Actor, candidate_id: int) -> dict[str, Any]:
    """All records about one candidate as JSON-ready data: profile, stages, timeline, offers, deals, audit."""
    require(actor, Perm.EXPORT_PERSONAL)
    c = candidates.load(session, candidate_id)
    acts = list(session.scalars(select(Activity).where(Activity.candidate_id == c.id).order_by(Activity.id)))
    offers = list(session.scalars(select(Offer).where(Offer.candidate_id == c.id).order_by(Offer.id)))
    names = {u.id: u.email for u in session.scalars(select(User))}
    mentions: dict[int, list[str]] = {}
    for m in session.scalars(select(Mention).where(Mention.activity_id.in_([a.id for a in acts] or [-1]))):
        mentions.setdefault(m.activity_id, []).append(names.get(m.user_id, str(m.user_id)))
    deals = session.execute(select(Deal, DealPerson).join(DealPerson, DealPerson.deal_id == Deal.id)
                            .where(DealPerson.candidate_id == c.id)).all()
    person_link = session.get(CandidatePersonLink, c.id)
    trail = session.scalars(select(AuditEntry).where(_audit_about(c.id, [a.id for a in acts],
                                                                  [o.id for o in offers])).order_by(AuditEntry.id))
    return {
        "exported_at": audit.jsonable(utcnow()),
        "exported_by": actor.name,
        "candidate": audit.snapshot(c),
        "owner": names.get(c.owner_id) if c.owner_id is not None else None,
        "stage_transitions": [audit.snapshot(t) for t in session.scalars(
            select(StageTransition).where(StageTransition.candidate_id == c.id).order_by(StageTransition.id))],
        "timeline": [{**audit.snapshot(a), "mentions": mentions.get(a.id, [])} for a in acts],
        "offers": [audit.snapshot(o) for o in offers],
        "deals": [{"deal_id": d.id, "company": d.company, "kind": d.kind, "note": link.note} for d, link in deals],
        "research_link": audit.snapshot(person_link) if person_link is not None else None,
        "team_estimate": audit.snapshot(estimate) if (estimate := session.get(CandidateEstimate, c.id)) else None,
        "seats": [audit.snapshot(s) for s in session.scalars(select(SeatAssignment)
                                                              .where(SeatAssignment.candidate_id == c.id))],
        "audit": [audit.snapshot(e) for e in trail],
    }


def erase_person(session: Session, actor: Actor, candidate_id: int, reason: str) -> dict[str, Any]:
    """Remove a candidate's personal data everywhere; keep the bare figures budgets need and an erasure record."""
    require(actor, Perm.ERASE_PERSONAL)
    if not reason.strip():
        raise InvalidError("erasure needs a reason (e.g. 'request by the person, 2026-11-23')")
    c = candidates.load(session, candidate_id)
    act_ids = list(session.scalars(select(Activity.id).where(Activity.candidate_id == c.id)))
    offer_ids = list(session.scalars(select(Offer.id).where(Offer.candidate_id == c.id)))
    counts = {"timeline_entries": len(act_ids), "offers_kept_without_notes": len(offer_ids)}
    # Audit rows about the person lose their content: the audit keeps who changed what when, not the data.
    scrubbed = 0
    for entry in session.scalars(select(AuditEntry).where(_audit_about(c.id, act_ids, offer_ids))):
        entry.before = {"erased": True} if entry.before is not None else None
        entry.after = {"erased": True} if entry.after is not None else None
        scrubbed += 1
    counts["audit_entries_scrubbed"] = scrubbed
    session.execute(delete(Activity).where(Activity.candidate_id == c.id))
    # the remembered research mentions identify the person too
    session.execute(delete(CandidatePersonLink).where(CandidatePersonLink.candidate_id == c.id))
    # the team's estimate (with its note) and the person's seat are about them too
    session.execute(delete(CandidateEstimate).where(CandidateEstimate.candidate_id == c.id))
    session.execute(delete(SeatAssignment).where(SeatAssignment.candidate_id == c.id))
    for t in session.scalars(select(StageTransition).where(StageTransition.candidate_id == c.id)):
        t.reason = None
    for o in session.scalars(select(Offer).where(Offer.candidate_id == c.id)):
        o.notes, o.decline_reason = None, None
    for link in session.scalars(select(DealPerson).where(DealPerson.candidate_id == c.id)):
        link.note = None
    c.name, c.email, c.affiliation, c.person_id = ERASED, None, None, None
    c.notes, c.source_detail, c.decline_reason, c.tags = None, None, None, []
    c.erased_at = utcnow()
    flush(session)
    audit.record(session, actor, "erase", "candidate", c.id, None,
                 {"erased_at": audit.jsonable(c.erased_at), "reason": reason.strip(), **counts})
    flush(session)
    return {"candidate_id": c.id, **counts}
