"""The whole web application: the JSON API and the pages, served by `labscout serve`."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from labscout.api.app import create_api
from labscout.config import Settings
from labscout.web.render import error_page
from labscout.web.routes import discovery, money, pipeline, session, team, watching


def create_app(settings: Settings, *, secure_cookies: bool | None = None) -> FastAPI:
    """The web app for `settings`; `secure_cookies` overrides Settings.secure_cookies (tests on plain HTTP)."""
    app = create_api(settings, html_errors=error_page, secure_cookies=secure_cookies)
    app.mount("/static", StaticFiles(directory=str(Path(__file__).parent / "static")), name="static")
    for router in (session.router, discovery.router, pipeline.router, money.router, team.router, watching.router):
        app.include_router(router)
    return app


def app_from_env() -> FastAPI:
    """The app factory each worker process of `labscout serve --workers N` calls: its Settings, built once."""
    return create_app(Settings.from_env())


# What `labscout serve --workers N` gives uvicorn: workers are separate processes, so they import the app.
APP_FACTORY = "labscout.web.app:app_from_env"
