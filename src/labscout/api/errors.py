"""One place maps LabScout errors to HTTP: a status and one JSON problem shape (RFC 9457 fields)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import asdict
from http import HTTPStatus
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from labscout.api import auth
from labscout.errors import (
    BadInputError,
    BadQueryError,
    ConflictError,
    ForbiddenError,
    InvalidError,
    LabScoutError,
    NotFoundError,
    UnavailableError,
)
from labscout.pipeline.candidates import AlreadyCandidateError
from labscout.research.queries import AmbiguousError

STATUS: list[tuple[type[LabScoutError], int, str]] = [
    (NotFoundError, 404, "Not found"), (ForbiddenError, 403, "Forbidden"), (ConflictError, 409, "Conflict"),
    (BadInputError, 400, "Bad input"), (BadQueryError, 400, "Bad query"), (InvalidError, 422, "Invalid request"),
    (UnavailableError, 502, "A source is unavailable"),
]


class NotSignedInError(LabScoutError):
    """No valid session: sign in first."""


def problem(status: int, title: str, detail: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"type": "about:blank", "title": title, "status": status, "detail": detail, **extra},
                        status_code=status, media_type="application/problem+json")


def status_of(exc: LabScoutError) -> tuple[int, str]:
    if isinstance(exc, NotSignedInError):
        return 401, "Not signed in"
    for kind, status, title in STATUS:
        if isinstance(exc, kind):
            return status, title
    return 400, "Error"


HtmlErrors = Callable[[Request, int, str, str], Response]


def extra_of(exc: LabScoutError) -> dict[str, Any]:
    """What a problem adds for this error: the field it is about, the people or organisations a name fits,
    the candidate a duplicate would have been."""
    extra: dict[str, Any] = {}
    if exc.field is not None:
        extra["field"] = exc.field
    if isinstance(exc, AmbiguousError):
        extra["matches"] = [asdict(c) for c in exc.candidates]
    if isinstance(exc, AlreadyCandidateError):
        extra["existing"] = {"candidate_id": exc.existing.id, "name": exc.existing.name,
                             "stage": exc.existing.stage, "url": f"/api/v1/candidates/{exc.existing.id}"}
    return extra


def labscout_error_handler(html: HtmlErrors | None) -> Callable[[Request, Exception], Awaitable[Response]]:
    """API paths get a JSON problem; other paths the web app's error page when one is given."""

    async def handle(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, LabScoutError)
        status, title = status_of(exc)
        if html is None or request.url.path.startswith("/api/"):
            return problem(status, title, str(exc), **extra_of(exc))
        return html(request, status, title, str(exc))

    return handle


def validation_error_handler(html: HtmlErrors | None) -> Callable[[Request, Exception], Awaitable[Response]]:
    """Request parameters that fail validation: a JSON problem naming each field; a page in the browser."""

    async def handle(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        fields = [{"field": ".".join(str(p) for p in e["loc"][1:] or e["loc"]), "message": e["msg"]}
                  for e in exc.errors()]
        detail = "; ".join(f"{f['field']}: {f['message']}" for f in fields)
        if html is not None and not request.url.path.startswith("/api/"):
            return html(request, 422, "Invalid request", detail)
        return problem(422, "Invalid request", detail, errors=fields)

    return handle


def http_error_handler(html: HtmlErrors | None) -> Callable[[Request, Exception], Awaitable[Response]]:
    """The router's own answers (no such path, method not allowed): the one problem shape, or a page."""

    async def handle(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        title = HTTPStatus(exc.status_code).phrase if exc.status_code in HTTPStatus._value2member_map_ else "Error"
        detail = exc.detail if isinstance(exc.detail, str) else title
        if html is not None and not request.url.path.startswith("/api/"):
            response = html(request, exc.status_code, title, detail)
        else:
            response = problem(exc.status_code, title, detail)
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value
        return response

    return handle


async def too_many_attempts(request: Request, exc: Exception) -> Response:
    """429 with Retry-After: a client (or a person) knows when to try again."""
    assert isinstance(exc, auth.TooManyAttempts)
    response = problem(429, "Too many attempts", str(exc))
    response.headers["Retry-After"] = str(exc.retry_after)
    return response
