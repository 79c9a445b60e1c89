"""Everything held about one person, exported as data, and erasure of it (the audit keeps that it happened)."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from labscout.errors import InvalidError, NotFoundError
from labscout.kit.text import is_digits
from labscout.pipeline import audit, candidates
from labscout.pipeline.db import flush
from labscout.pipeline.identity_models import CandidatePersonLink
from labscout.pipeline.models import (
    Activity,
    AuditEntry,
    Base,
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
from labscout.pipeline.watch_models import Alert, WatchState

ERASED = "[erased]"


def resolve_candidate(session: Session, actor: Actor, ref: str) -> int:
    """The candidate meant by `ref`: a candidate id, an e-mail address or a research person id."""
    require(actor, Perm.VIEW_PIPELINE)
    ref = ref.strip()
    if is_digits(ref):
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


def _personal_values(c: Candidate, acts: list[Activity], offers: list[Offer],
                     links: list[DealPerson], transitions: list[StageTransition]) -> set[str]:
    """The strings that identify or describe the person, to find them wherever else they were copied."""
    found = {c.name, c.email, c.person_id, c.notes, c.source_detail, c.decline_reason}
    for a in acts:
        found |= {a.subject, a.body, a.place, *(a.attendees or [])}
    found |= {o.notes for o in offers} | {o.decline_reason for o in offers}
    found |= {link.note for link in links} | {t.reason for t in transitions}
    # Short or generic strings ("call", "Dinner") would scrub unrelated entries; names and texts are distinctive.
    return {v.strip().lower() for v in found if isinstance(v, str) and len(v.strip()) >= 4 and v != ERASED}


def _replace(text: str, needles: set[str]) -> str:
    """`text` with every occurrence of a needle (any case) replaced by ERASED."""
    for needle in sorted(needles, key=len, reverse=True):
        text = re.sub(re.escape(needle), ERASED, text, flags=re.IGNORECASE)
    return text


def _scrub(value: Any, needles: set[str]) -> tuple[Any, bool]:
    """`value` with the needles replaced wherever they occur in its strings; and whether any was."""
    if isinstance(value, str):
        low = value.lower()
        return (_replace(value, needles), True) if any(n in low for n in needles) else (value, False)
    if isinstance(value, list):
        pairs = [_scrub(v, needles) for v in value]
        return [v for v, _ in pairs], any(hit for _, hit in pairs)
    if isinstance(value, dict):
        items = {k: _scrub(v, needles) for k, v in value.items()}
        return {k: v for k, (v, _) in items.items()}, any(hit for _, hit in items.values())
    return value, False


# The team's own free text about others, where a person's name or e-mail may have been written down.
FREE_TEXT: list[tuple[type[Base], tuple[str, ...]]] = [
    (Activity, ("subject", "body", "place")), (Candidate, ("notes", "source_detail", "decline_reason")),
    (Deal, ("notes",)), (DealPerson, ("note",)), (Offer, ("notes", "decline_reason")),
    (StageTransition, ("reason",))]


def _scrub_free_text(session: Session, names: set[str]) -> int:
    """Replace the person's name, e-mail and person id wherever the team wrote them in other records."""
    changed = 0
    for model, columns in FREE_TEXT:
        for column in columns:
            attr = getattr(model, column)
            for needle in names:
                pattern = "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
                for row in session.scalars(select(model).where(attr.ilike(pattern, escape="\\"))):
                    setattr(row, column, _replace(getattr(row, column), names))
                    changed += 1
    return changed


def _refers_to(entry: AuditEntry, candidate_id: int) -> bool:
    """A deal's key-person entries and any other entry whose content names the candidate by id."""
    return any(isinstance(side, dict) and side.get("candidate_id") == candidate_id
               for side in (entry.before, entry.after))


def erase_person(session: Session, actor: Actor, candidate_id: int, reason: str) -> dict[str, Any]:
    """Remove a candidate's personal data everywhere; keep the bare figures budgets need and an erasure record.

    The audit log keeps who changed what and when, but the content of every entry about the person (their
    candidate record, timeline, offers, and deals' key-person entries) is emptied, and any other entry that
    copied one of their values (their name, e-mail, a note) has that value replaced.
    """
    require(actor, Perm.ERASE_PERSONAL)
    if not reason.strip():
        raise InvalidError("erasure needs a reason (e.g. 'request by the person, 2026-11-23')")
    c = candidates.load(session, candidate_id)
    acts = list(session.scalars(select(Activity).where(Activity.candidate_id == c.id)))
    offers = list(session.scalars(select(Offer).where(Offer.candidate_id == c.id)))
    links = list(session.scalars(select(DealPerson).where(DealPerson.candidate_id == c.id)))
    transitions = list(session.scalars(select(StageTransition).where(StageTransition.candidate_id == c.id)))
    needles = _personal_values(c, acts, offers, links, transitions)
    act_ids, offer_ids = [a.id for a in acts], [o.id for o in offers]
    counts = {"timeline_entries": len(act_ids), "offers_kept_without_notes": len(offer_ids)}
    about = {("candidate", str(c.id)), *(("activity", str(i)) for i in act_ids),
             *(("offer", str(i)) for i in offer_ids)}
    scrubbed = 0
    for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.id)).yield_per(1000):
        if (entry.entity, entry.entity_id) in about or _refers_to(entry, c.id):
            audit.redact(entry, {"erased": True} if entry.before is not None else None,
                         {"erased": True} if entry.after is not None else None)
            scrubbed += 1
            continue
        before, hit_before = _scrub(entry.before, needles)
        after, hit_after = _scrub(entry.after, needles)
        if hit_before or hit_after:
            audit.redact(entry, before, after)
            scrubbed += 1
    counts["audit_entries_scrubbed"] = scrubbed
    names = {v.strip().lower() for v in (c.name, c.email, c.person_id) if v and len(v.strip()) >= 4 and v != ERASED}
    session.execute(delete(Activity).where(Activity.candidate_id == c.id))
    # the remembered research mentions identify the person too, and so do alerts about them
    session.execute(delete(CandidatePersonLink).where(CandidatePersonLink.candidate_id == c.id))
    session.execute(delete(Alert).where(Alert.candidate_id == c.id))
    session.execute(delete(WatchState).where(WatchState.subject == f"candidate:{c.id}"))
    # the team's estimate (with its note) and the person's seat are about them too
    session.execute(delete(CandidateEstimate).where(CandidateEstimate.candidate_id == c.id))
    session.execute(delete(SeatAssignment).where(SeatAssignment.candidate_id == c.id))
    for t in transitions:
        t.reason = None
    for o in offers:
        o.notes, o.decline_reason = None, None
    for link in links:
        link.note = None
    flush(session)
    counts["other_records_scrubbed"] = _scrub_free_text(session, names)
    c.name, c.email, c.affiliation, c.person_id = ERASED, None, None, None
    c.notes, c.source_detail, c.decline_reason, c.tags = None, None, None, []
    c.erased_at = utcnow()
    flush(session)
    audit.record(session, actor, "erase", "candidate", c.id, None,
                 {"erased_at": audit.jsonable(c.erased_at), "reason": reason.strip(), **counts})
    flush(session)
    return {"candidate_id": c.id, **counts}
