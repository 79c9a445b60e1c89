"""Sign-in sessions kept in the pipeline database, so that ending one takes effect on the very next request.

The browser holds a random token; the database keeps only its HMAC under the server's key (a copy of the
database opens no session, nor tells which token is which). A session ends when its user signs out, is
deactivated, or has their password or role changed; when it was idle too long; and at an absolute limit however
busy it is. Ended sessions stay listed, with why they ended, for `labscout user sessions`.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from labscout.errors import ForbiddenError, NotFoundError
from labscout.pipeline import audit, limits
from labscout.pipeline.models import User, WebSession, utcnow
from labscout.pipeline.roles import Actor, Perm, Role, has

IDLE_TIMEOUT = timedelta(hours=2)
ABSOLUTE_TIMEOUT = timedelta(hours=12)
# Writing last_seen_at on every request would make every read a write; once a minute is precise enough.
TOUCH_EVERY = timedelta(seconds=60)
# What a token the server issued looks like; anything else in the cookie is not looked up at all.
TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,128}$")


@dataclass(frozen=True, slots=True)
class Timeouts:
    idle: timedelta = IDLE_TIMEOUT
    absolute: timedelta = ABSOLUTE_TIMEOUT


@dataclass(frozen=True, slots=True)
class Signed:
    """The session a request runs in: who, and the CSRF token its changes must carry."""

    session_id: int
    user_id: int
    csrf: str


@dataclass(frozen=True, slots=True)
class SessionOut:
    id: int
    user_id: int
    email: str
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    ended_at: datetime | None
    ended_why: str | None
    client: str | None
    user_agent: str | None


def token_hash(token: str, key: bytes = b"") -> str:
    """What the database keeps of a token: its HMAC-SHA256 under the server's key (LABSCOUT_SECRET)."""
    return hmac.new(key, token.encode(), hashlib.sha256).hexdigest()


def start(session: Session, user_id: int, *, client: str | None = None, user_agent: str | None = None,
          timeouts: Timeouts = Timeouts(), now: datetime | None = None, key: bytes = b"") -> tuple[str, Signed]:
    """A new session for a user who just proved who they are; returns the token for the cookie."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    row = WebSession(token_hash=token_hash(token, key), user_id=user_id, csrf=secrets.token_urlsafe(24), created_at=now,
                     last_seen_at=now, expires_at=now + timeouts.absolute, client=(client or "")[:64] or None,
                     user_agent=(user_agent or "")[:200] or None)
    session.add(row)
    session.flush()
    return token, Signed(row.id, user_id, row.csrf)


def find(session: Session, token: str | None, *, timeouts: Timeouts = Timeouts(),
         now: datetime | None = None, key: bytes = b"") -> Signed | None:
    """The live session a cookie names, or None (unknown, ended, idle too long, past its limit, user inactive)."""
    if not token or not TOKEN.match(token):
        return None
    now = now or utcnow()
    row = session.scalar(select(WebSession).where(WebSession.token_hash == token_hash(token, key)))
    if row is None or row.ended_at is not None:
        return None
    why = None
    if now >= row.expires_at:
        why = "reached its time limit"
    elif now - row.last_seen_at > timeouts.idle:
        why = "idle too long"
    else:
        user = session.get(User, row.user_id)
        if user is None or not user.active:
            why = "user deactivated"
    if why is not None:
        row.ended_at, row.ended_why = now, why
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
    return Signed(row.id, row.user_id, row.csrf)


def end(session: Session, session_id: int, why: str = "signed out") -> None:
    row = session.get(WebSession, session_id)
    if row is not None and row.ended_at is None:
        row.ended_at, row.ended_why = utcnow(), why


def end_all_of(session: Session, user_id: int, why: str) -> int:
    """End every live session of a user (deactivated, new password, new role); returns how many."""
    result = session.execute(update(WebSession).where(WebSession.user_id == user_id, WebSession.ended_at.is_(None))
                             .values(ended_at=utcnow(), ended_why=why))
    return int(getattr(result, "rowcount", 0) or 0)


def _may_manage(actor: Actor, user: User) -> None:
    if actor.user_id == user.id:
        return
    if not has(actor, Perm.MANAGE_USERS):
        raise ForbiddenError(f"{actor.name} ({actor.role.value}) may not manage other users' sessions")
    if user.role == Role.EXECUTIVE.value and actor.role is not Role.EXECUTIVE:
        raise ForbiddenError("only an executive may manage an executive's sessions")


def _out(row: WebSession, email: str) -> SessionOut:
    return SessionOut(row.id, row.user_id, email, row.created_at, row.last_seen_at, row.expires_at, row.ended_at,
                      row.ended_why, row.client, row.user_agent)


def list_sessions(session: Session, actor: Actor, *, email: str | None = None, include_ended: bool = False,
                  ) -> list[SessionOut]:
    """Sessions, newest first: one user's (your own need no permission) or, for user managers, everyone's."""
    query = select(WebSession, User.email).join(User, User.id == WebSession.user_id)
    if email is not None:
        user = session.scalar(select(User).where(User.email == email.strip().lower()))
        if user is None:
            raise NotFoundError(f"no user with e-mail {email.strip()}")
        _may_manage(actor, user)
        query = query.where(WebSession.user_id == user.id)
    elif not has(actor, Perm.MANAGE_USERS):
        query = query.where(WebSession.user_id == actor.user_id)
    if not include_ended:
        query = query.where(WebSession.ended_at.is_(None), WebSession.expires_at > utcnow())
    return [_out(row, mail) for row, mail in session.execute(query.order_by(WebSession.id.desc()))]


def end_sessions(session: Session, actor: Actor, *, session_id: int | None = None, email: str | None = None,
                 ) -> int:
    """End one session by id, or every session of one user; recorded in the audit log."""
    if session_id is not None:
        row = session.get(WebSession, session_id) if limits.valid_id(session_id) else None
        if row is None:
            raise NotFoundError(f"no session with id {session_id}")
        user = session.get(User, row.user_id)
        assert user is not None
        _may_manage(actor, user)
        ended = int(row.ended_at is None)
        end(session, row.id, f"ended by {actor.name}")
    elif email is not None:
        user = session.scalar(select(User).where(User.email == email.strip().lower()))
        if user is None:
            raise NotFoundError(f"no user with e-mail {email.strip()}")
        _may_manage(actor, user)
        ended = end_all_of(session, user.id, f"ended by {actor.name}")
    else:
        raise NotFoundError("say which session (an id) or whose (an e-mail address)")
    session.flush()
    audit.record(session, actor, "end_sessions", "user", user.id, None, {"sessions_ended": ended})
    return ended
