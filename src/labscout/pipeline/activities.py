"""A candidate's timeline (e-mails, calls, meetings, notes, recorded changes), discussion with @mentions, team feed."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from labscout.errors import InvalidError, NotFoundError
from labscout.pipeline import audit, limits
from labscout.pipeline.db import flush
from labscout.pipeline.models import Activity, Candidate, Mention, User, utcnow
from labscout.pipeline.roles import Actor, Perm, has, require

# Kinds a person logs by hand; the others (stage, offer, change, link) are written by the services.
LOGGED_KINDS = ("email", "call", "meeting", "note")
MENTION = re.compile(r"(?<![\w.])@([\w.+-]+@[\w-]+(?:\.[\w-]+)+|[\w.-]+)")


@dataclass(frozen=True, slots=True)
class ActivityOut:
    id: int
    candidate_id: int
    candidate_name: str
    kind: str
    occurred_at: datetime
    subject: str | None
    body: str | None
    place: str | None
    attendees: list[str]
    actor_id: int | None
    actor_name: str | None
    meta: dict[str, Any]
    mentions: list[str]


def _candidate(session: Session, candidate_id: int) -> Candidate:
    found = session.get(Candidate, candidate_id) if limits.valid_id(candidate_id) else None
    if found is None or found.erased_at is not None:
        raise NotFoundError(f"no candidate with id {candidate_id}")
    return found


def log(session: Session, actor: Actor, candidate_id: int, kind: str, *, subject: str | None = None,
        body: str | None = None, place: str | None = None, attendees: list[str] | None = None,
        occurred_at: datetime | None = None, meta: dict[str, Any] | None = None) -> Activity:
    """Add a timeline entry in the caller's transaction (services call this for every change they make)."""
    entry = Activity(candidate_id=candidate_id, kind=kind, subject=subject, body=body, place=place,
                     attendees=list(attendees or []), occurred_at=occurred_at or utcnow(), actor_id=actor.user_id,
                     meta=meta or {})
    session.add(entry)
    return entry


def log_activity(session: Session, actor: Actor, candidate_id: int, kind: str, *, subject: str | None = None,
                 body: str | None = None, place: str | None = None, attendees: list[str] | None = None,
                 occurred_at: datetime | None = None) -> ActivityOut:
    """Record an e-mail, call, meeting (with place and who attended) or note on a candidate's timeline."""
    require(actor, Perm.EDIT_CANDIDATES)
    if kind not in LOGGED_KINDS:
        raise InvalidError(f"unknown activity kind '{kind}'; choose one of {', '.join(LOGGED_KINDS)}", field="kind")
    if not (subject or body):
        raise InvalidError("an activity needs a subject or a text", field="subject")
    if kind == "meeting" and not place:
        raise InvalidError("a meeting needs a place", field="place")
    limits.line("subject", subject, limits.SUBJECT)
    limits.text("body", body, limits.BODY)
    limits.line("place", place, limits.PLACE)
    limits.items("attendees", attendees, limits.ATTENDEES, limits.ATTENDEE)
    _candidate(session, candidate_id)
    entry = log(session, actor, candidate_id, kind, subject=subject, body=body, place=place,
                attendees=[a.strip() for a in attendees or [] if a.strip()], occurred_at=occurred_at)
    flush(session)
    audit.record(session, actor, "log", "activity", entry.id, None, audit.snapshot(entry))
    return _outs(session, actor, [entry])[0]


def comment(session: Session, actor: Actor, candidate_id: int, text: str) -> ActivityOut:
    """Add to a candidate's discussion; `@email` or `@first.last` names a user, who sees it in their mentions."""
    require(actor, Perm.EDIT_CANDIDATES)
    if not text.strip():
        raise InvalidError("a comment needs text", field="text")
    limits.text("text", text, limits.COMMENT)
    _candidate(session, candidate_id)
    named = resolve_mentions(session, text)
    entry = log(session, actor, candidate_id, "comment", body=text.strip())
    flush(session)
    for user in named:
        session.add(Mention(activity_id=entry.id, user_id=user.id))
    flush(session)
    audit.record(session, actor, "comment", "activity", entry.id, None,
                 {**audit.snapshot(entry), "mentions": [u.email for u in named]})
    return _outs(session, actor, [entry])[0]


def resolve_mentions(session: Session, text: str) -> list[User]:
    """The users named in `text`; an @name that fits nobody is an error, so a mention is never silently lost."""
    found: dict[int, User] = {}
    everyone = list(session.scalars(select(User).where(User.active.is_(True))))
    for token in MENTION.findall(text):
        key = token.lower().rstrip(".")
        matches = [u for u in everyone if u.email == key or u.email.split("@")[0] == key
                   or u.name.lower().replace(" ", ".") == key]
        if not matches:
            raise InvalidError(f"@{token} names no user; use their e-mail, e.g. @someone@example.org", field="text")
        if len(matches) > 1:
            raise InvalidError(f"@{token} fits several users: {', '.join(u.email for u in matches)}", field="text")
        found[matches[0].id] = matches[0]
    return list(found.values())


def timeline(session: Session, actor: Actor, candidate_id: int, *, kinds: tuple[str, ...] | None = None,
             newest_first: bool = False, limit: int | None = None, offset: int = 0) -> list[ActivityOut]:
    """Everything that happened with one candidate, oldest first (or newest first), a page at a time."""
    require(actor, Perm.VIEW_PIPELINE)
    _candidate(session, candidate_id)
    query = select(Activity).where(Activity.candidate_id == candidate_id)
    if kinds:
        query = query.where(Activity.kind.in_(kinds))
    order = (Activity.occurred_at.desc(), Activity.id.desc()) if newest_first else (Activity.occurred_at, Activity.id)
    query = query.order_by(*order).offset(offset)
    return _outs(session, actor, list(session.scalars(query if limit is None else query.limit(limit))))


def get_activity(session: Session, actor: Actor, activity_id: int) -> ActivityOut:
    """One timeline entry."""
    require(actor, Perm.VIEW_PIPELINE)
    entry = session.get(Activity, activity_id)
    if entry is None:
        raise NotFoundError(f"no timeline entry {activity_id}")
    _candidate(session, entry.candidate_id)
    return _outs(session, actor, [entry])[0]


def discussion(session: Session, actor: Actor, candidate_id: int) -> list[ActivityOut]:
    return timeline(session, actor, candidate_id, kinds=("comment",))


def feed(session: Session, actor: Actor, *, limit: int = 50, offset: int = 0, since: datetime | None = None,
         ) -> list[ActivityOut]:
    """The team-wide feed: the newest changes and entries across all candidates, a page at a time."""
    require(actor, Perm.VIEW_PIPELINE)
    query = select(Activity).join(Candidate).where(Candidate.erased_at.is_(None))
    if since is not None:
        query = query.where(Activity.created_at >= since)
    return _outs(session, actor, list(session.scalars(query.order_by(Activity.created_at.desc(), Activity.id.desc())
                                                      .offset(offset).limit(limit))))


def my_mentions(session: Session, actor: Actor, *, unseen_only: bool = True, mark_seen: bool = False,
                ) -> list[ActivityOut]:
    """Comments that name the actor, newest first; `mark_seen` records that they were read."""
    require(actor, Perm.VIEW_PIPELINE)
    query = select(Mention).where(Mention.user_id == actor.user_id)
    if unseen_only:
        query = query.where(Mention.seen_at.is_(None))
    mentions = list(session.scalars(query))
    entries = [session.get(Activity, m.activity_id) for m in mentions]
    if mark_seen:
        for m in mentions:
            m.seen_at = utcnow()
    found = sorted((e for e in entries if e is not None), key=lambda e: (e.created_at, e.id), reverse=True)
    return _outs(session, actor, found)


@dataclass(frozen=True, slots=True)
class MentionOut:
    """A comment that names the reader, and when they read it (None: not yet)."""

    comment: ActivityOut
    seen_at: datetime | None


def unread_mentions(session: Session, actor: Actor) -> int:
    """How many comments name the actor that they have not read."""
    require(actor, Perm.VIEW_PIPELINE)
    return session.scalar(select(func.count()).select_from(Mention).join(Activity).join(Candidate).where(
        Mention.user_id == actor.user_id, Mention.seen_at.is_(None), Candidate.erased_at.is_(None))) or 0


def inbox(session: Session, actor: Actor, *, limit: int = 50, offset: int = 0, mark_seen: bool = True,
          ) -> list[MentionOut]:
    """Comments that name the actor, unread first then newest; reading a page marks its comments read."""
    require(actor, Perm.VIEW_PIPELINE)
    rows = session.execute(
        select(Mention, Activity).join(Activity, Activity.id == Mention.activity_id).join(Candidate)
        .where(Mention.user_id == actor.user_id, Candidate.erased_at.is_(None))
        .order_by(Mention.seen_at.is_not(None), Activity.created_at.desc(), Activity.id.desc())
        .offset(offset).limit(limit)).all()
    outs = _outs(session, actor, [activity for _, activity in rows])
    found = [MentionOut(out, mention.seen_at) for (mention, _), out in zip(rows, outs, strict=True)]
    if mark_seen:
        now = utcnow()
        for mention, _ in rows:
            if mention.seen_at is None:
                mention.seen_at = now
        flush(session)
    return found


def _shown(actor: Actor, entry: Activity) -> tuple[str | None, dict[str, Any]]:
    """The subject and meta a role may read: deals are the executive's and HR's, even on a timeline."""
    meta = dict(entry.meta or {})
    if "deal_id" in meta and not has(actor, Perm.SEE_DEALS):
        return "key person of a deal", {}
    return entry.subject, meta


def _outs(session: Session, actor: Actor, entries: list[Activity]) -> list[ActivityOut]:
    if not entries:
        return []
    ids = {e.id for e in entries}
    mentioned: dict[int, list[str]] = {}
    for activity_id, email in session.execute(select(Mention.activity_id, User.email).join(User)
                                              .where(Mention.activity_id.in_(ids))):
        mentioned.setdefault(activity_id, []).append(email)
    names = {row[0]: row[1] for row in session.execute(select(User.id, User.name))}
    candidates = {row[0]: row[1] for row in session.execute(
        select(Candidate.id, Candidate.name).where(Candidate.id.in_({e.candidate_id for e in entries})))}
    found = []
    for e in entries:
        subject, meta = _shown(actor, e)
        found.append(ActivityOut(e.id, e.candidate_id, candidates.get(e.candidate_id, ""), e.kind, e.occurred_at,
                                 subject, e.body, e.place, list(e.attendees or []), e.actor_id,
                                 names.get(e.actor_id) if e.actor_id is not None else None, meta,
                                 sorted(mentioned.get(e.id, []))))
    return found
