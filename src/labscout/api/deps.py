"""Request-scoped dependencies: one transaction per request, the signed-in actor, CSRF on every change."""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from labscout.api.auth import COOKIE, valid_csrf
from labscout.api.errors import NotSignedInError
from labscout.api.resources import Discovery, Resources
from labscout.errors import ForbiddenError
from labscout.pipeline import db, sessions, users
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


def timeouts(request: Request) -> sessions.Timeouts:
    settings = resources(request).settings
    return sessions.Timeouts(idle=timedelta(seconds=settings.session_idle_seconds),
                             absolute=timedelta(seconds=settings.session_max_seconds))


def session_data(request: Request) -> sessions.Signed | None:
    """The session the request was signed in with, once `actor` has checked it (pages read the CSRF token)."""
    found: sessions.Signed | None = getattr(request.state, "signed", None)
    return found


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
    """The signed-in user of a live server-side session; unsafe requests must also carry its CSRF token.

    A plain function: FastAPI runs it in the thread pool, so waiting for the database never blocks the loop.
    """
    signed = sessions.find(unit, request.cookies.get(COOKIE), timeouts=timeouts(request),
                           key=request.app.state.session_key)
    if signed is None:
        # An ended session is recorded as ended even though this request fails.
        unit.commit()
        raise NotSignedInError("sign in first (your session ended or was never started)")
    user = unit.get(User, signed.user_id)
    if user is None or not user.active:
        raise NotSignedInError("this account is no longer active; sign in again")
    if token is not None and not (valid_csrf(token) and hmac.compare_digest(token.encode(), signed.csrf.encode())):
        raise ForbiddenError("missing or wrong CSRF token: reload the page and try again")
    request.state.signed = signed
    return users.actor_of(user)


SignedIn = Annotated[Actor, Depends(actor)]
Found = Annotated[Discovery, Depends(discovery)]
