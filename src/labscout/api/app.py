"""The FastAPI application: routers under /api/v1, one error mapping, resources opened in the lifespan."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError

from labscout.api import auth
from labscout.api.errors import HtmlErrors, labscout_error_handler, validation_error_handler
from labscout.api.resources import Resources
from labscout.api.routers import discovery, pipeline, session, team
from labscout.config import Settings
from labscout.errors import LabScoutError

API_PREFIX = "/api/v1"


def create_api(settings: Settings, *, html_errors: HtmlErrors | None = None,
               secure_cookies: bool | None = None) -> FastAPI:
    """The app with the JSON API; the web package adds its pages to the same app."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.resources = Resources.open(settings)
        try:
            yield
        finally:
            app.state.resources.close()

    app = FastAPI(title="LabScout", version="1", lifespan=lifespan,
                  description="Discovery (experts, people, organisations, moves, flows, introductions) and the "
                              "recruiting pipeline (candidates, timeline, offers, plan, deals). Sign in with "
                              "POST /api/v1/session; send the returned csrf_token as X-CSRF-Token on changes.")
    app.state.sessions = auth.Sessions(auth.load_secret(settings))
    app.state.limiter = auth.RateLimiter()
    app.state.secure_cookies = settings.secure_cookies if secure_cookies is None else secure_cookies
    @app.middleware("http")
    async def server_timing(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        # Time spent in the app, for bench/web.py and for anyone looking at the browser's network panel.
        started = time.perf_counter()
        response = await call_next(request)
        response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
        return response

    app.add_exception_handler(LabScoutError, labscout_error_handler(html_errors))
    app.add_exception_handler(RequestValidationError, validation_error_handler(html_errors))
    for router in (session.router, discovery.router, pipeline.router, team.router):
        app.include_router(router, prefix=API_PREFIX)
    return app
