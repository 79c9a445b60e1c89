"""The whole web application: the JSON API and the pages, served by `labscout serve`."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from labscout.api.app import create_api
from labscout.config import Settings
from labscout.web import pages, team_pages


def create_app(settings: Settings, *, secure_cookies: bool = True) -> FastAPI:
    app = create_api(settings, html_errors=pages.error_page, secure_cookies=secure_cookies)
    app.mount("/static", StaticFiles(directory=str(Path(__file__).parent / "static")), name="static")
    app.include_router(pages.router)
    app.include_router(team_pages.router)
    return app
