"""The FastAPI application: routers under /api/v1, one error mapping, resources opened in the lifespan."""

from __future__ import annotations

import base64
import hashlib
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from labscout.api import auth
from labscout.api.errors import (
    HtmlErrors,
    http_error_handler,
    labscout_error_handler,
    problem,
    too_many_attempts,
    validation_error_handler,
)
from labscout.api.resources import Resources
from labscout.api.routers import discovery, pipeline, session, team, watching
from labscout.config import Settings
from labscout.errors import LabScoutError

API_PREFIX = "/api/v1"
# The API's own documentation pages (Swagger UI, ReDoc) load their script from a CDN and start it inline.
DOC_PAGES = ("/docs", "/redoc")
DOC_SOURCES = "https://cdn.jsdelivr.net https://fastapi.tiangolo.com"
INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.S)


def create_api(settings: Settings, *, html_errors: HtmlErrors | None = None,
               secure_cookies: bool | None = None) -> FastAPI:
    """The app with the JSON API; the web package adds its pages to the same app."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.resources = Resources.open(settings)
        # Counted in the pipeline database: every worker process of the deployment shares the count.
        app.state.limiter = auth.RateLimiter(app.state.resources.engine, secret=app.state.session_key)
        try:
            yield
        finally:
            app.state.resources.close()

    app = FastAPI(title="LabScout", version="1", lifespan=lifespan,
                  description="Discovery (experts, people, organisations, moves, flows, introductions) and the "
                              "recruiting pipeline (candidates, timeline, offers, plan, deals). Sign in with "
                              "POST /api/v1/session; send the returned csrf_token as X-CSRF-Token on changes.")
    app.state.session_key = auth.load_secret(settings)
    app.state.secure_cookies = settings.secure_cookies if secure_cookies is None else secure_cookies
    @app.middleware("http")
    async def guard(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        """Cross-site changes refused; security headers on every answer; server time for bench/web.py."""
        started = time.perf_counter()
        if request.method in ("POST", "PUT", "PATCH", "DELETE") and not auth.same_origin(
                request.headers.get("origin"), request.headers.get("host"), request.url.scheme):
            response: Response = problem(403, "Forbidden", "a change sent from another site is refused")
        else:
            response = await call_next(request)
        await _secure(request, response)
        response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
        return response

    app.add_exception_handler(LabScoutError, labscout_error_handler(html_errors))
    app.add_exception_handler(auth.TooManyAttempts, too_many_attempts)
    app.add_exception_handler(RequestValidationError, validation_error_handler(html_errors))
    app.add_exception_handler(StarletteHTTPException, http_error_handler(html_errors))
    for router in (session.router, discovery.router, pipeline.router, team.router, watching.router):
        app.include_router(router, prefix=API_PREFIX)
    return app


async def _secure(request: Request, response: Response) -> None:
    for name, value in auth.SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    path = request.url.path
    if not path.startswith("/static/"):
        response.headers["Cache-Control"] = auth.NO_STORE
    if path in DOC_PAGES:
        response.headers["Content-Security-Policy"] = await _docs_policy(response)


async def _docs_policy(response: Response) -> str:
    """A policy for the documentation pages that allows their CDN files and exactly their own inline script."""
    body = b"".join([chunk if isinstance(chunk, bytes) else chunk.encode()
                     async for chunk in response.body_iterator])  # type: ignore[attr-defined]
    response.body_iterator = _replay(body)  # type: ignore[attr-defined]
    hashes = " ".join("'sha256-" + base64.b64encode(hashlib.sha256(s).digest()).decode() + "'"
                      for s in INLINE_SCRIPT.findall(body))
    return (f"default-src 'self'; script-src 'self' {DOC_SOURCES} {hashes}; style-src 'self' {DOC_SOURCES} "
            f"'unsafe-inline'; img-src 'self' data: {DOC_SOURCES}; worker-src blob:; object-src 'none'; "
            "base-uri 'none'; frame-ancestors 'none'")


async def _replay(body: bytes) -> AsyncIterator[bytes]:
    yield body
