"""Candidates: create, read, list, update with a version for optimistic concurrency, move through stages."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, exists, func, or_, select
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session

from labscout.errors import ConflictError, InvalidError, NotFoundError
from labscout.pipeline import activities, audit, limits, stages
from labscout.pipeline.db import flush
from labscout.pipeline.models import Candidate, StageTransition, User, utcnow
from labscout.pipeline.roles import Actor, Perm, require
from labscout.pipeline.users import normalise_email
from labscout.research import queries
from labscout.research.store import ResearchStore

SOURCES = ("search", "referral", "deal", "manual", "import", "event")


@dataclass(frozen=True, slots=True)
class CandidateOut:
    id: int
    name: str
    person_id: str | None
    email: str | None
    affiliation: str | None
    target_role: str
    owner_id: int | None
    owner_name: str | None
    priority: int
    tags: list[str]
    source: str
    source_detail: str | None
    stage: str
    stage_changed_at: datetime
    decline_reason: str | None
    notes: str | None
    created_at: datetime
    updated_at: datetime
    version: int


@dataclass(slots=True)
class CandidateIn:
    """What a person types for a new candidate, or the fields to change (None: leave as it is)."""

    name: str | None = None
    target_role: str | None = None
    person_id: str | None = None
    email: str | None = None
    affiliation: str | None = None
    owner_email: str | None = None
    priority: int | None = None
    tags: list[str] | None = None
    source: str | None = None
    source_detail: str | None = None
    notes: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class AlreadyCandidateError(ConflictError):
    """The research person is in the pipeline already: `existing` is their candidate, to go to instead."""

    def __init__(self, existing: CandidateOut) -> None:
        super().__init__(f"{existing.name} is already candidate {existing.id} (stage {existing.stage})",
                         field="person_id")
        self.existing = existing


def out(session: Session, c: Candidate) -> CandidateOut:
    owner = session.get(User, c.owner_id) if c.owner_id is not None else None
    return CandidateOut(c.id, c.name, c.person_id, c.email, c.affiliation, c.target_role, c.owner_id,
                        owner.name if owner else None, c.priority, list(c.tags or []), c.source, c.source_detail,
                        c.stage, c.stage_changed_at, c.decline_reason, c.notes, c.created_at, c.updated_at,
                        c.version)


def load(session: Session, candidate_id: int) -> Candidate:
    """The candidate row, or NotFoundError (erased candidates are gone for every purpose but the audit)."""
    found = session.get(Candidate, candidate_id) if limits.valid_id(candidate_id) else None
    if found is None or found.erased_at is not None:
        raise NotFoundError(f"no candidate with id {candidate_id}")
    return found


def check_limits(data: CandidateIn) -> None:
    """The lengths and counts every face shares (the API's request model reads the same numbers)."""
    limits.line("name", data.name, limits.NAME)
    limits.line("target_role", data.target_role, limits.ROLE)
    limits.line("person_id", data.person_id, limits.PERSON_ID)
    limits.line("email", data.email, limits.EMAIL)
    limits.line("affiliation", data.affiliation, limits.AFFILIATION)
    limits.line("owner_email", data.owner_email, limits.EMAIL)
    limits.items("tags", data.tags, limits.TAGS, limits.TAG)
    limits.line("source", data.source, limits.SOURCE)
    limits.text("source_detail", data.source_detail, limits.SOURCE_DETAIL)
    limits.text("notes", data.notes, limits.NOTES)


def _apply(session: Session, c: Candidate, data: CandidateIn) -> None:
    check_limits(data)
    if data.name is not None:
        if not data.name.strip():
            raise InvalidError("a candidate needs a name", field="name")
        c.name = data.name.strip()
    if data.target_role is not None:
        if not data.target_role.strip():
            raise InvalidError("a candidate needs a target role", field="target_role")
        c.target_role = data.target_role.strip().lower()
    if data.person_id is not None:
        c.person_id = data.person_id.strip() or None
    if data.email is not None:
        try:
            c.email = normalise_email(data.email) if data.email.strip() else None
        except InvalidError as exc:
            raise InvalidError(str(exc), field="email") from None
    if data.affiliation is not None:
        c.affiliation = data.affiliation.strip() or None
    if data.owner_email is not None:
        if data.owner_email.strip():
            owner = session.scalar(select(User).where(User.email == data.owner_email.strip().lower()))
            if owner is None:
                raise InvalidError(f"owner '{data.owner_email}' is not a user", field="owner_email")
            c.owner_id = owner.id
        else:
            c.owner_id = None
    if data.priority is not None:
        if not 1 <= data.priority <= 5:
            raise InvalidError(f"priority must be 1 (highest) to 5, not {data.priority}", field="priority")
        c.priority = data.priority
    if data.tags is not None:
        c.tags = sorted({t.strip().lower() for t in data.tags if t.strip()})
    if data.source is not None:
        if data.source not in SOURCES:
            raise InvalidError(f"unknown source '{data.source}'; choose one of {', '.join(SOURCES)}", field="source")
        c.source = data.source
    if data.source_detail is not None:
        c.source_detail = data.source_detail.strip() or None
    if data.notes is not None:
        c.notes = data.notes.strip() or None


def create_candidate(session: Session, actor: Actor, data: CandidateIn, *, stage: str | None = None,
                     ) -> CandidateOut:
    """Add a candidate at the first stage (or `stage`), with its creation on the timeline and in the audit."""
    require(actor, Perm.EDIT_CANDIDATES)
    if not (data.name and data.name.strip()):
        raise InvalidError("a candidate needs a name", field="name")
    if not (data.target_role and data.target_role.strip()):
        raise InvalidError("a candidate needs a target role (e.g. researcher)", field="target_role")
    if data.person_id:
        existing = session.scalar(select(Candidate).where(Candidate.person_id == data.person_id.strip(),
                                                          Candidate.erased_at.is_(None)))
        if existing is not None:
            raise AlreadyCandidateError(out(session, existing))
    first = stages.get_stage(session, stage) if stage else stages.first_stage(session)
    c = Candidate(name="", target_role="", priority=3, tags=[], source="manual", stage=first.name)
    if data.owner_email is None and actor.user_id is not None:
        c.owner_id = actor.user_id
    _apply(session, c, data)
    session.add(c)
    flush(session)
    session.add(StageTransition(candidate_id=c.id, from_stage=None, to_stage=c.stage, actor_id=actor.user_id))
    activities.log(session, actor, c.id, "change", subject=f"added at stage {c.stage}",
                   meta={"source": c.source, "source_detail": c.source_detail})
    audit.record(session, actor, "create", "candidate", c.id, None, audit.snapshot(c))
    flush(session)
    return out(session, c)


def add_from_person(session: Session, actor: Actor, store: ResearchStore, person: str, data: CandidateIn, *,
                    stage: str | None = None) -> CandidateOut:
    """Add the research person `person` (id, OpenReview id or unambiguous name) as a candidate.

    Name and current organisation come from the research store unless `data` gives them; a person who is a
    candidate already is refused with AlreadyCandidateError, naming the candidate to go to instead.
    """
    require(actor, Perm.EDIT_CANDIDATES)
    person_id = queries.resolve_person(store, person, field="person_id")
    found = queries.person_match(store, person_id)
    filled = replace(data, person_id=person_id, name=data.name or found.name,
                     affiliation=data.affiliation if data.affiliation is not None else found.latest_org,
                     source=data.source or "search")
    return create_candidate(session, actor, filled, stage=stage)


def get_candidate(session: Session, actor: Actor, candidate_id: int) -> CandidateOut:
    require(actor, Perm.VIEW_PIPELINE)
    return out(session, load(session, candidate_id))


def list_candidates(session: Session, actor: Actor, *, stage: str | None = None, role: str | None = None,
                    owner_email: str | None = None, tag: str | None = None, source: str | None = None,
                    text: str | None = None, limit: int = 500, offset: int = 0) -> list[CandidateOut]:
    """Candidates matching every filter given, highest priority first, then most recently changed."""
    require(actor, Perm.VIEW_PIPELINE)
    query = select(Candidate).where(Candidate.erased_at.is_(None))
    if stage:
        query = query.where(Candidate.stage == stages.get_stage(session, stage).name)
    if role:
        query = query.where(Candidate.target_role == role.strip().lower())
    if owner_email:
        query = query.join(User, User.id == Candidate.owner_id).where(User.email == owner_email.strip().lower())
    if source:
        query = query.where(Candidate.source == source)
    if text:
        like = f"%{text.strip().lower()}%"
        query = query.where(or_(func.lower(Candidate.name).like(like), func.lower(Candidate.affiliation).like(like)))
    if tag:
        query = query.where(_has_tag(session, tag.strip().lower()))
    rows = session.scalars(query.order_by(Candidate.priority, Candidate.updated_at.desc(), Candidate.id.desc())
                           .offset(offset).limit(limit))
    return [out(session, c) for c in rows]


def _has_tag(session: Session, tag: str) -> ColumnElement[bool]:
    """Candidates whose JSON list of tags holds `tag`, tested in the database (before any LIMIT)."""
    if session.get_bind().dialect.name == "postgresql":
        return cast(ColumnElement[bool], Candidate.tags.cast(JSONB).contains([tag]))
    each = func.json_each(Candidate.tags).table_valued("value")
    return exists(select(1).select_from(each).where(each.c.value == tag))


def check_version(session: Session, c: Candidate, expected_version: int | None) -> None:
    """Refuse a change made on a stale copy, naming who changed the record since."""
    if expected_version is None or expected_version == c.version:
        return
    who = audit.changed_by(session, "candidate", c.id)
    raise ConflictError(f"candidate {c.id} ({c.name}) was changed{who}: now at stage '{c.stage}', version "
                        f"{c.version} (you edited version {expected_version}); reload and try again",
                        field="version")


def update_candidate(session: Session, actor: Actor, candidate_id: int, changes: CandidateIn, *,
                     expected_version: int | None = None) -> CandidateOut:
    """Change the given fields; a stale `expected_version` raises ConflictError instead of overwriting."""
    require(actor, Perm.EDIT_CANDIDATES)
    c = load(session, candidate_id)
    check_version(session, c, expected_version)
    before = audit.snapshot(c)
    _apply(session, c, changes)
    after = audit.snapshot(c)
    # What the person changed; the bookkeeping columns change with every write.
    changed = sorted(k for k in after if after[k] != before[k] and k not in ("updated_at", "version"))
    if not changed:
        return out(session, c)
    flush(session)
    after = audit.snapshot(c)
    activities.log(session, actor, c.id, "change", subject="changed " + ", ".join(changed))
    audit.record(session, actor, "update", "candidate", c.id, before, after)
    flush(session)
    return out(session, c)


def move_stage(session: Session, actor: Actor, candidate_id: int, stage: str, *,
               expected_version: int | None = None, reason: str | None = None,
               at: datetime | None = None) -> CandidateOut:
    """Move a candidate to `stage`, recording the time; declines and withdrawals, and reopenings, need a reason."""
    require(actor, Perm.EDIT_CANDIDATES)
    c = load(session, candidate_id)
    check_version(session, c, expected_version)
    target = stages.get_stage(session, stage)
    if target.name == c.stage:
        raise InvalidError(f"candidate {c.id} is already at stage '{c.stage}'", field="stage")
    current = stages.get_stage(session, c.stage)
    reason = limits.text("reason", (reason or "").strip() or None, limits.REASON)
    if target.outcome == "lost" and not reason:
        raise InvalidError(f"moving to '{target.name}' needs a reason", field="reason")
    if current.outcome != "open" and not reason:
        raise InvalidError(f"candidate {c.id} is closed ('{c.stage}'); reopening needs a reason", field="reason")
    before = audit.snapshot(c)
    when = at or utcnow()
    previous = c.stage
    c.stage = target.name
    c.stage_changed_at = when
    c.decline_reason = reason if target.outcome == "lost" else None
    flush(session)
    session.add(StageTransition(candidate_id=c.id, from_stage=previous, to_stage=target.name, at=when,
                                actor_id=actor.user_id, reason=reason))
    activities.log(session, actor, c.id, "stage", subject=f"{previous} -> {target.name}", body=reason,
                   occurred_at=when, meta={"from": previous, "to": target.name})
    audit.record(session, actor, "move", "candidate", c.id, before, audit.snapshot(c))
    flush(session)
    return out(session, c)


@dataclass(frozen=True, slots=True)
class TransitionOut:
    from_stage: str | None
    to_stage: str
    at: datetime
    actor_id: int | None
    reason: str | None


def transitions(session: Session, actor: Actor, candidate_id: int) -> list[TransitionOut]:
    """Each stage change of a candidate with its time, in the order they were made."""
    require(actor, Perm.VIEW_PIPELINE)
    load(session, candidate_id)
    rows = session.scalars(select(StageTransition).where(StageTransition.candidate_id == candidate_id)
                           .order_by(StageTransition.id))
    return [TransitionOut(t.from_stage, t.to_stage, t.at, t.actor_id, t.reason) for t in rows]


def relink_person(session: Session, actor: Actor, old_person_id: str, new_person_ids: list[str],
                  reason: str) -> list[CandidateOut]:
    """Re-point candidates after an identity correction split or merged a research person; logged on each."""
    require(actor, Perm.EDIT_CANDIDATES)
    if not new_person_ids:
        raise InvalidError("give the person id(s) the old one became")
    if not reason.strip():
        raise InvalidError("relinking needs a reason")
    found = list(session.scalars(select(Candidate).where(Candidate.person_id == old_person_id,
                                                         Candidate.erased_at.is_(None))))
    if not found:
        raise NotFoundError(f"no candidate is linked to person {old_person_id}")
    for c in found:
        before = audit.snapshot(c)
        # A split leaves the link ambiguous: keep the first id and name the others so a human can check.
        c.person_id = new_person_ids[0]
        flush(session)
        note = reason.strip()
        if len(new_person_ids) > 1:
            note += f" (split: also {', '.join(new_person_ids[1:])}; check which one this candidate is)"
        activities.log(session, actor, c.id, "link", subject=f"research person {old_person_id} -> "
                       f"{new_person_ids[0]}", body=note,
                       meta={"old": old_person_id, "new": new_person_ids})
        audit.record(session, actor, "relink", "candidate", c.id, before, audit.snapshot(c))
    flush(session)
    return [out(session, c) for c in found]
