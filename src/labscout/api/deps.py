"""Request-scoped dependencies: one transaction per request, the signed-in actor, CSRF on every change."""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from labscout.api.auth import COOKIE, SessionData, Sessions
from labscout.api.errors import NotSignedInError
from labscout.api.resources import Discovery, Resources
from labscout.errors import ForbiddenError
from labscout.pipeline import db, users
from labscout.pipeline.models import User
from labscout.pipeline.roles import Actor

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def resources(request: Request) -> Resources:
    found: Resources = request.app.state.resources
    return found


def discovery(request: Request) -> Discovery:
    return resources(request).discovery()


def session(request: Request) -> Iterator[Session]:
    """The request's unit of work: committed when the endpoint succeeds, rolled back on any error."""
    with db.session_scope(resources(request).engine) as unit:
        yield unit


def session_data(request: Request) -> SessionData | None:
    sessions: Sessions = request.app.state.sessions
    return sessions.read(request.cookies.get(COOKIE))


# Committed before the response is sent ("function" scope): the next request a client makes sees the change.
Unit = Annotated[Session, Depends(session, scope="function")]


async def sent_token(request: Request) -> str | None:
    """The CSRF token the request carries (header, or form field for HTML forms); None for safe methods."""
    if request.method not in UNSAFE:
        return None
    token = request.headers.get("x-csrf-token")
    if token is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        value = (await request.form()).get("csrf_token")
        token = value if isinstance(value, str) else None
    return token or ""


def actor(request: Request, unit: Unit, token: Annotated[str | None, Depends(sent_token)]) -> Actor:
    """The signed-in user; unsafe requests must also carry the session's CSRF token.

    A plain function: FastAPI runs it in the thread pool, so waiting for the database never blocks the loop.
    """
    data = session_data(request)
    if data is None:
        raise NotSignedInError("sign in first")
    user = unit.get(User, data.user_id)
    if user is None or not user.active:
        raise NotSignedInError("this account is no longer active; sign in again")
    if token is not None and not hmac.compare_digest(token, data.csrf):
        raise ForbiddenError("missing or wrong CSRF token: reload the page and try again")
    return users.actor_of(user)


SignedIn = Annotated[Actor, Depends(actor)]
Found = Annotated[Discovery, Depends(discovery)]
