"""Issue 20's done-when in Chromium: a user watches a person from their page; a build with OpenAlex works shows
the person once at their new organisation with the source that says so, and the alert waits in the inbox."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.api.conftest import make_home
from tests.web.conftest import NEEDS_CHROMIUM, shot, sign_in

from labscout.config import Settings
from labscout.pipeline import db, refresh
from labscout.research.build import build_store
from labscout.web.app import create_app
from loopback import serve_app

pytestmark = NEEDS_CHROMIUM
DATA = Path(__file__).parent.parent / "data"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Settings]]:
    root = tmp_path_factory.mktemp("watching")
    build_store([DATA / "paperlists"], root / "lists.duckdb")
    settings = make_home(root / "lists.duckdb", root / "home")
    with serve_app(create_app(settings, secure_cookies=False), "/login") as base:
        yield base, settings


def test_watch_then_the_alert_after_a_build(browser: Any, served: tuple[str, Settings]) -> None:
    base, settings = served
    page = sign_in(browser, base, "viewer")
    page.goto(base + "/search?q=Lucas+Beyer")
    page.locator("#people a", has_text="Lucas Beyer").first.click()
    page.wait_for_selector("#watch button.watch")
    page.click("#watch button.watch")
    page.wait_for_selector("#watch .watched")
    assert "Watching Lucas Beyer" in page.inner_text("#watch")
    shot(page, "watch-01-watching")

    engine = db.make_engine(settings.pipeline_url)  # the ingest a team member runs on the server
    try:
        refresh.rebuild_and_check(db.units_of(engine), settings.research_store,
                                  [DATA / "paperlists", DATA / "openalex" / "works.jsonl"])
    finally:
        engine.dispose()

    page.reload()
    page.wait_for_selector("#unread-alerts")
    assert page.inner_text("#unread-alerts") == "1"
    assert "OpenAI" in page.inner_text("main")  # the person page reads the new store: OpenAI, 2025
    row = page.locator("table tr", has_text="2025")
    assert "OpenAI" in row.first.inner_text() and "OpenAlex" in row.first.inner_text()
    page.click("#alerts-link")
    page.wait_for_selector("#alerts li.alert")
    item = page.locator("#alerts li.alert").first
    assert "Lucas Beyer: OpenAI (2025)" in item.inner_text() and "says so: OpenAlex" in item.inner_text()
    shot(page, "watch-02-inbox")
    page.goto(base + "/search?q=Lucas+Beyer")
    assert page.locator("#people tr").count() == 2  # a header and one Lucas Beyer
