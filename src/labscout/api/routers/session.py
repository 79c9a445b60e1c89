"""Sign in and out: a server-side session named by an HttpOnly cookie, plus the CSRF token for every change."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from labscout.api.auth import COOKIE, Attempt, RateLimiter, TooManyAttempts, same_origin
from labscout.api.deps import SignedIn, Unit, session_data, timeouts
from labscout.errors import ForbiddenError
from labscout.pipeline import sessions, users

router = APIRouter(tags=["session"])


class SignIn(BaseModel):
    email: str = Field(max_length=320)
    password: str = Field(max_length=users.MAX_PASSWORD)


class SessionOut(BaseModel):
    user_id: int
    name: str
    role: str
    csrf_token: str


def client_of(request: Request) -> str:
    return request.client.host if request.client else "?"


def sign_in(request: Request, response: Response, unit: Unit, email: str, password: str) -> SessionOut:
    """Check the password (rate limited, same-origin only), start a server-side session and set its cookie.

    Raises TooManyAttempts (429) past the limits and ForbiddenError (403) for a wrong password or a
    cross-site request: a page elsewhere must not sign a visitor in to an account of its choosing.
    """
    if not same_origin(request.headers.get("origin"), request.headers.get("host"), request.url.scheme):
        raise ForbiddenError("sign-in from another site is refused")
    limiter: RateLimiter = request.app.state.limiter
    attempt = Attempt(email.strip().lower(), client_of(request))
    limiter.check(attempt)
    try:
        found = users.authenticate(unit, email=email, password=password)
    except ForbiddenError:
        limiter.failed(attempt)
        raise
    limiter.succeeded(attempt)
    assert found.user_id is not None
    limits = timeouts(request)
    token, signed = sessions.start(unit, found.user_id, client=client_of(request),
                                   user_agent=request.headers.get("user-agent"), timeouts=limits,
                                   key=request.app.state.session_key)
    response.set_cookie(COOKIE, token, max_age=int(limits.absolute.total_seconds()), httponly=True, samesite="lax",
                        secure=request.app.state.secure_cookies, path="/")
    return SessionOut(user_id=found.user_id, name=found.name, role=found.role.value, csrf_token=signed.csrf)


def sign_out(request: Request, unit: Unit, response: Response) -> None:
    """End the request's session in the database (the cookie is worthless from now on) and drop the cookie."""
    signed = session_data(request)
    if signed is not None:
        sessions.end(unit, signed.session_id)
    response.delete_cookie(COOKIE, path="/")


@router.post("/session", response_model=SessionOut, summary="Sign in",
             responses={429: {"description": "Too many failed sign-ins; see Retry-After"}})
def create_session(request: Request, response: Response, unit: Unit, body: SignIn) -> SessionOut:
    return sign_in(request, response, unit, body.email, body.password)


@router.get("/session", response_model=SessionOut, summary="Who is signed in, and the CSRF token")
def read_session(request: Request, who: SignedIn) -> SessionOut:
    data = session_data(request)
    assert data is not None and who.user_id is not None
    return SessionOut(user_id=who.user_id, name=who.name, role=who.role.value, csrf_token=data.csrf)


@router.delete("/session", status_code=204, summary="Sign out (the session ends on the server)")
def delete_session(request: Request, response: Response, unit: Unit, who: SignedIn) -> Response:
    sign_out(request, unit, response)
    response.status_code = 204
    return response


__all__ = ["TooManyAttempts", "router", "sign_in", "sign_out"]
