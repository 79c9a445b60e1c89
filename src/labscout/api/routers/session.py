"""Sign in and out: a signed session cookie plus the CSRF token the client sends back on every change."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from labscout.api.auth import COOKIE, MAX_AGE, RateLimiter, Sessions
from labscout.api.deps import SignedIn, Unit, session_data
from labscout.errors import ForbiddenError
from labscout.pipeline import users

router = APIRouter(tags=["session"])


class SignIn(BaseModel):
    email: str = Field(max_length=320)
    password: str = Field(max_length=1000)


class SessionOut(BaseModel):
    user_id: int
    name: str
    role: str
    csrf_token: str


def sign_in(request: Request, response: Response, unit: Unit, email: str, password: str) -> SessionOut:
    """Check the password (rate limited per e-mail and client) and set the session cookie."""
    limiter: RateLimiter = request.app.state.limiter
    keys = (f"email:{email.strip().lower()}", f"ip:{request.client.host if request.client else '?'}")
    wait = limiter.blocked(*keys)
    if wait:
        raise ForbiddenError(f"too many failed sign-ins; try again in {int(wait) + 1} s")
    try:
        found = users.authenticate(unit, email=email, password=password)
    except ForbiddenError:
        limiter.failed(*keys)
        raise
    limiter.succeeded(*keys)
    sessions: Sessions = request.app.state.sessions
    assert found.user_id is not None
    cookie, data = sessions.issue(found.user_id)
    response.set_cookie(COOKIE, cookie, max_age=MAX_AGE, httponly=True, samesite="lax",
                        secure=request.app.state.secure_cookies, path="/")
    return SessionOut(user_id=found.user_id, name=found.name, role=found.role.value, csrf_token=data.csrf)


@router.post("/session", response_model=SessionOut, summary="Sign in")
def create_session(request: Request, response: Response, unit: Unit, body: SignIn) -> SessionOut:
    return sign_in(request, response, unit, body.email, body.password)


@router.get("/session", response_model=SessionOut, summary="Who is signed in, and the CSRF token")
def read_session(request: Request, who: SignedIn) -> SessionOut:
    data = session_data(request)
    assert data is not None and who.user_id is not None
    return SessionOut(user_id=who.user_id, name=who.name, role=who.role.value, csrf_token=data.csrf)


@router.delete("/session", status_code=204, summary="Sign out")
def delete_session(response: Response, who: SignedIn) -> Response:
    response.delete_cookie(COOKIE, path="/")
    response.status_code = 204
    return response

