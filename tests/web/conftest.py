"""Browser tests: headless Chromium (Debian's, driven by Playwright), a loopback SMTP server, screenshots.

Every page a test visits can be saved under test-artifacts/screenshots with `shot`.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.api.conftest import PASSWORD, TEAM

from smtpserver import SmtpServer

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync"]
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


# Each browser test module sets `pytestmark = NEEDS_CHROMIUM`.
NEEDS_CHROMIUM = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (make sysdeps)")


@pytest.fixture(scope="module")
def smtp() -> Iterator[SmtpServer]:
    with SmtpServer() as server:
        yield server


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    shutil.rmtree(SHOTS, ignore_errors=True)
    SHOTS.mkdir(parents=True)
    with sync_playwright() as p:
        found = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield found
        found.close()


def sign_in(browser: Any, base: str, role: str) -> Any:
    """A new browser context signed in as the team member with `role`; its page."""
    page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    page.goto(base + "/login")
    page.fill("input[name=email]", TEAM[role])
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return page


def shot(page: Any, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
