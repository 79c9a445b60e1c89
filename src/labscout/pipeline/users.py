"""Users of the pipeline: creation with an argon2 password hash, sign-in, look-up."""

from __future__ import annotations

import re
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from labscout.errors import ConflictError, ForbiddenError, InvalidError, NotFoundError
from labscout.pipeline import audit, limits, sessions
from labscout.pipeline.db import flush
from labscout.pipeline.models import User
from labscout.pipeline.roles import Actor, Perm, Role, parse_role, require

# One address, no display name: the characters that separate or quote addresses in a header are refused.
_PART = r"[^@\s,;<>()\[\]\\\"\x00-\x1f\x7f]+"
EMAIL = re.compile(rf"^{_PART}@{_PART}\.{_PART}$")
MIN_PASSWORD = 8
MAX_PASSWORD = 1000
# The system actor that creates the very first user, when nobody can sign in yet.
BOOTSTRAP = Actor(user_id=None, name="bootstrap", role=Role.EXECUTIVE)
# The hash of a user who has no password yet (restored from a backup, which never holds hashes): argon2 rejects
# it as a hash, so nobody signs in as them until a password is set with `labscout user password`.
NO_PASSWORD = "!no password set"


def _hasher() -> PasswordHasher:
    return PasswordHasher()


@dataclass(frozen=True, slots=True)
class UserOut:
    id: int
    email: str
    name: str
    role: Role
    person_id: str | None
    active: bool
    has_password: bool


def _out(user: User) -> UserOut:
    return UserOut(user.id, user.email, user.name, Role(user.role), user.person_id, user.active,
                   user.password_hash != NO_PASSWORD)


def actor_of(user: User) -> Actor:
    return Actor(user_id=user.id, name=user.name, role=Role(user.role))


def normalise_email(email: str) -> str:
    email = email.strip().lower()
    if len(email) > limits.EMAIL or not EMAIL.match(email):
        raise InvalidError(f"'{email}' is not an e-mail address")
    return email


def count_users(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(User)) or 0


def create_user(session: Session, *, email: str, name: str, role: Role | str, password: str,
                actor: Actor | None = None, person_id: str | None = None) -> UserOut:
    """Add a user; the first user of an empty database may be created without an actor, others need one."""
    if actor is None:
        if count_users(session):
            raise ForbiddenError("users exist already: act as a user who may manage users")
        actor = BOOTSTRAP
    else:
        require(actor, Perm.MANAGE_USERS)
    role = parse_role(role) if isinstance(role, str) else role
    if actor.role is not Role.EXECUTIVE and role is Role.EXECUTIVE:
        raise ForbiddenError("only an executive may create another executive")
    email = normalise_email(email)
    if not name.strip():
        raise InvalidError("a user needs a name")
    limits.line("name", name, limits.NAME)
    check_password(password)
    if session.scalar(select(User).where(User.email == email)) is not None:
        raise ConflictError(f"a user with e-mail {email} exists already")
    user = User(email=email, name=name.strip(), role=role.value, password_hash=_hasher().hash(password),
                person_id=person_id, active=True)
    session.add(user)
    flush(session)
    audit.record(session, actor, "create", "user", user.id, None, audit.snapshot(user))
    return _out(user)


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InvalidError(f"password: it needs at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise InvalidError(f"password: at most {MAX_PASSWORD} characters")


def authenticate(session: Session, *, email: str, password: str) -> Actor:
    """The actor for a correct e-mail and password; the same error for an unknown e-mail or a wrong password."""
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None or not user.active:
        # Hash anyway so that a wrong e-mail takes as long as a wrong password.
        _hasher().hash(password)
        raise ForbiddenError("wrong e-mail or password")
    hasher = _hasher()
    try:
        hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        raise ForbiddenError("wrong e-mail or password") from None
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    return actor_of(user)


def get_user(session: Session, user_id: int) -> UserOut:
    user = session.get(User, user_id)
    if user is None:
        raise NotFoundError(f"no user with id {user_id}")
    return _out(user)


def get_user_by_email(session: Session, email: str) -> UserOut:
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise NotFoundError(f"no user with e-mail {email.strip()}; add one with `labscout user add`")
    return _out(user)


def actor_for_email(session: Session, email: str) -> Actor:
    """The actor a trusted interface (the local CLI) acts as; inactive users may not act."""
    found = get_user_by_email(session, email)
    if not found.active:
        raise ForbiddenError(f"user {found.email} is deactivated")
    return Actor(user_id=found.id, name=found.name, role=found.role)


def list_users(session: Session, actor: Actor) -> list[UserOut]:
    require(actor, Perm.VIEW_PIPELINE)
    return [_out(u) for u in session.scalars(select(User).order_by(User.id))]


def _load(session: Session, user_id: int) -> User:
    user = session.get(User, user_id) if limits.valid_id(user_id) else None
    if user is None:
        raise NotFoundError(f"no user with id {user_id}")
    return user


def _may_change(actor: Actor, user: User) -> None:
    """Managing users is HR's and the executive's; an executive account is the executives' alone."""
    require(actor, Perm.MANAGE_USERS)
    if user.role == Role.EXECUTIVE.value and actor.role is not Role.EXECUTIVE:
        raise ForbiddenError(f"only an executive may change the executive account {user.email}")


def _keep_an_executive(session: Session, user: User, what: str) -> None:
    """Refuse to leave the team without an active executive: nobody could approve, configure or restore."""
    others = session.scalar(select(func.count()).select_from(User).where(
        User.role == Role.EXECUTIVE.value, User.active.is_(True), User.id != user.id)) or 0
    if user.role == Role.EXECUTIVE.value and user.active and not others:
        raise ConflictError(f"{user.email} is the last active executive; make another executive before you {what}")


def set_active(session: Session, actor: Actor, user_id: int, active: bool) -> UserOut:
    """Deactivate (their sessions end at once) or reactivate a user."""
    user = _load(session, user_id)
    _may_change(actor, user)
    if not active:
        _keep_an_executive(session, user, "deactivate them")
    if user.active == active:
        raise ConflictError(f"{user.email} is {'active' if active else 'deactivated'} already")
    before = audit.snapshot(user)
    user.active = active
    if not active:
        sessions.end_all_of(session, user.id, "user deactivated")
    flush(session)
    audit.record(session, actor, "activate" if active else "deactivate", "user", user.id, before,
                 audit.snapshot(user))
    return _out(user)


def set_role(session: Session, actor: Actor, user_id: int, role: Role | str) -> UserOut:
    """Give a user another role; only an executive grants or takes away the executive role."""
    user = _load(session, user_id)
    new = parse_role(role) if isinstance(role, str) else role
    _may_change(actor, user)
    if new is Role.EXECUTIVE and actor.role is not Role.EXECUTIVE:
        raise ForbiddenError("only an executive may make someone an executive")
    if new.value == user.role:
        raise ConflictError(f"{user.email} is {new.value} already")
    if new is not Role.EXECUTIVE:
        _keep_an_executive(session, user, "change their role")
    before = audit.snapshot(user)
    user.role = new.value
    # A session keeps no role of its own, but ending them makes the change felt everywhere at once.
    sessions.end_all_of(session, user.id, "role changed")
    flush(session)
    audit.record(session, actor, "set_role", "user", user.id, before, audit.snapshot(user))
    return _out(user)


def set_password(session: Session, actor: Actor, user_id: int, password: str) -> UserOut:
    """Set a user's password (your own, or as a user manager); every session of theirs ends."""
    user = _load(session, user_id)
    if actor.user_id != user.id:
        _may_change(actor, user)
    check_password(password)
    user.password_hash = _hasher().hash(password)
    sessions.end_all_of(session, user.id, "password changed")
    flush(session)
    # The audit says that it changed, never the hash.
    audit.record(session, actor, "set_password", "user", user.id, None, {"password": "changed"})
    return _out(user)
