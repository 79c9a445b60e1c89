"""Sign in and out of the web app."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from labscout.api.auth import TooManyAttempts
from labscout.api.deps import SignedIn, Unit
from labscout.api.routers.session import sign_in, sign_out
from labscout.errors import ForbiddenError
from labscout.web.render import render

router = APIRouter(include_in_schema=False)


def _local(target: str) -> str:
    """Only a path on this site: a sign-in link must not send anyone elsewhere."""
    return target if target.startswith("/") and not target.startswith("//") else "/"


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "/") -> HTMLResponse:
    return render(request, "login.html", next=_local(next))


@router.post("/login")
def login(request: Request, unit: Unit, email: Annotated[str, Form()] = "", password: Annotated[str, Form()] = "",
          next: Annotated[str, Form()] = "/") -> Response:
    target = _local(next)
    response = RedirectResponse(target, status_code=303)
    try:
        sign_in(request, response, unit, email, password)
    except ForbiddenError as exc:
        return render(request, "login.html", next=target, error=str(exc), email=email, status=403)
    except TooManyAttempts as exc:
        page = render(request, "login.html", next=target, error=str(exc), email=email, status=429)
        page.headers["Retry-After"] = str(exc.retry_after)
        return page
    return response


@router.post("/logout")
def logout(request: Request, unit: Unit, who: SignedIn) -> Response:
    """Sign out: the session ends on the server, so a copy of the cookie is worth nothing either."""
    response = RedirectResponse("/login", status_code=303)
    sign_out(request, unit, response)
    return response
