"""End to end in headless Chromium (Debian's, driven by Playwright): the recruiting group's whole workflow.

Sign in, search a topic, add a person to the pipeline, drag their card to another stage, post a note with an
@mention, draft an offer and have someone else approve it, see the dashboard change; a recruiter cannot see
the offer's figures. Every page is saved as a screenshot under test-artifacts/screenshots.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.api.conftest import PASSWORD, TEAM, make_home
from tests.web.conftest import NEEDS_CHROMIUM, shot, sign_in

from labscout.config import SmtpSettings
from labscout.web.app import create_app
from loopback import serve_app
from smtpserver import SmtpServer

pytestmark = NEEDS_CHROMIUM


@pytest.fixture(scope="module")
def base_url(world: Path, tmp_path_factory: pytest.TempPathFactory, smtp: SmtpServer) -> Iterator[str]:
    home = make_home(world, tmp_path_factory.mktemp("browser") / "home")
    settings = replace(home, smtp=SmtpSettings(host="127.0.0.1", port=smtp.port, sender="team@lab.example"))
    with serve_app(create_app(settings, secure_cookies=False), "/login") as base:
        # The plan the dashboard measures against, set through the API as an executive would.
        with httpx.Client(base_url=base) as api:
            signed = api.post("/api/v1/session", json={"email": TEAM["executive"], "password": PASSWORD}).json()
            api.put("/api/v1/plan/roles/researcher", json={"slots": 35, "budget": 200_000_000},
                    headers={"X-CSRF-Token": signed["csrf_token"]}).raise_for_status()
        yield base


def test_the_whole_workflow(browser: object, base_url: str, smtp: SmtpServer) -> None:
    page = sign_in(browser, base_url, "executive")
    assert page.url.rstrip("/") == base_url  # type: ignore[attr-defined]
    before = page.inner_text("#budget")  # type: ignore[attr-defined]
    shot(page, "01-dashboard-before")

    page.goto(base_url + "/search?q=diffusion+models")  # type: ignore[attr-defined]
    first = page.locator("#results tr").nth(1)  # type: ignore[attr-defined]
    assert "Cleo Stone" in first.inner_text() and "relevance" in first.inner_text()
    shot(page, "02-search")
    first.locator("button.add").click()
    page.wait_for_selector("a.added")  # type: ignore[attr-defined]
    candidate_url = page.get_attribute("a.added", "href")  # type: ignore[attr-defined]
    assert candidate_url and candidate_url.startswith("/candidates/")

    page.goto(base_url + "/board")  # type: ignore[attr-defined]
    card = page.locator(".cardlet", has_text="Cleo Stone")  # type: ignore[attr-defined]
    assert card.evaluate("c => c.closest('.column').dataset.stage") == "identified"
    card.drag_to(page.locator(".column[data-stage='contacted']"))  # type: ignore[attr-defined]
    page.wait_for_function(  # type: ignore[attr-defined]
        "() => document.querySelector(\".column[data-stage='contacted']\").innerText.includes('Cleo Stone')")
    shot(page, "03-board")

    page.goto(base_url + candidate_url)  # type: ignore[attr-defined]
    assert page.get_attribute("#stage", "data-stage") == "contacted"  # type: ignore[attr-defined]
    page.click("#outreach button")  # type: ignore[attr-defined]  # a draft from the intro template
    page.fill("#outreach input[name=to]", "cleo@stanford.example")  # type: ignore[attr-defined]
    assert "Diffusion" in page.input_value("#outreach textarea")  # type: ignore[attr-defined]  # her own papers
    assert not smtp.inbox.messages  # nothing is sent before a human presses Send
    page.click("#outreach button.send")  # type: ignore[attr-defined]
    page.wait_for_selector(".timeline .kind[data-kind=email]")  # type: ignore[attr-defined]
    assert "sent" in page.inner_text(".timeline .delivery")  # type: ignore[attr-defined]
    assert len(smtp.inbox.messages) == 1 and smtp.inbox.messages[0]["To"].endswith("<cleo@stanford.example>")
    page.fill("#discussion textarea", "Strong fit for the diffusion team, @hr@lab.example please review")  # type: ignore[attr-defined]
    page.click("#discussion button")  # type: ignore[attr-defined]
    page.wait_for_selector("text=please review")  # type: ignore[attr-defined]
    assert "mentions" in page.inner_text(".timeline")  # type: ignore[attr-defined]
    page.fill("#draft-offer input[name=base]", "200000")  # type: ignore[attr-defined]
    page.fill("#draft-offer input[name=equity_value]", "600000")  # type: ignore[attr-defined]
    page.fill("#draft-offer input[name=gpus]", "128")  # type: ignore[attr-defined]
    page.click("#draft-offer button")  # type: ignore[attr-defined]
    page.click("button.step-submit")  # type: ignore[attr-defined]
    page.wait_for_selector(".offer[data-status=pending_approval]")  # type: ignore[attr-defined]
    shot(page, "04-candidate")

    hr = sign_in(browser, base_url, "hr")
    hr.goto(base_url + candidate_url)  # type: ignore[attr-defined]
    hr.click("button.step-approve")  # type: ignore[attr-defined]
    hr.wait_for_selector(".offer[data-status=approved]")  # type: ignore[attr-defined]
    assert "1,400,000" in hr.inner_text("#offers")  # type: ignore[attr-defined]  # 4 x 200k + 600k equity, under the 1.5M threshold

    page.goto(base_url + "/")  # type: ignore[attr-defined]
    after = page.inner_text("#budget")  # type: ignore[attr-defined]
    assert after != before and "1,400,000" in after
    assert "Cleo Stone" in page.inner_text("#feed")  # type: ignore[attr-defined]
    shot(page, "05-dashboard-after")

    recruiter = sign_in(browser, base_url, "recruiter")
    recruiter.goto(base_url + candidate_url)  # type: ignore[attr-defined]
    offers_text = recruiter.inner_text("#offers")  # type: ignore[attr-defined]
    assert "visible to executives and HR" in offers_text and not re.search(r"200,000|1,400,000", offers_text)
    shot(recruiter, "06-candidate-as-recruiter")
    recruiter.goto(base_url + "/offers")  # type: ignore[attr-defined]
    assert "1,400,000" not in recruiter.content()  # type: ignore[attr-defined]
    shot(recruiter, "07-offers-as-recruiter")


def test_every_page_renders(browser: object, base_url: str) -> None:
    page = sign_in(browser, base_url, "executive")
    page.goto(base_url + "/search?q=reinforcement+learning")  # type: ignore[attr-defined]
    page.click("#results tr:nth-child(2) td:nth-child(2) a")  # type: ignore[attr-defined]
    page.wait_for_selector("text=Career timeline")  # type: ignore[attr-defined]
    assert page.locator("svg.network").count() == 1  # type: ignore[attr-defined]
    shot(page, "08-person")
    for path, name, marker in (("/orgs/openai", "09-org", "Flows in and out"), ("/flows?since=2019&min_people=1",
                               "10-flows", "Talent flows"), ("/offers", "11-offers", "Offers"),
                               ("/deals", "12-deals", "Deals")):
        page.goto(base_url + path)  # type: ignore[attr-defined]
        assert marker in page.inner_text("main")  # type: ignore[attr-defined]
        shot(page, name)
    page.goto(base_url + "/flows?since=2019&min_people=1")  # type: ignore[attr-defined]
    assert page.locator("svg.flows path").count() >= 1  # type: ignore[attr-defined]
    signed_out = browser.new_page()  # type: ignore[attr-defined]
    signed_out.goto(base_url + "/board")
    assert "/login" in signed_out.url and "Sign in" in signed_out.inner_text("main")
    shot(signed_out, "00-login")


def test_deals_are_recorded_and_edited_in_the_browser(browser: Any, base_url: str) -> None:
    # A hand-entered candidate to name as the key person the deal brings.
    with httpx.Client(base_url=base_url) as api:
        signed = api.post("/api/v1/session", json={"email": TEAM["executive"], "password": PASSWORD}).json()
        made = api.post("/api/v1/candidates", json={"name": "Mo Founder", "target_role": "researcher"},
                        headers={"X-CSRF-Token": signed["csrf_token"]})
        made.raise_for_status()
        founder = made.json()["id"]
    boss = sign_in(browser, base_url, "executive")
    boss.goto(base_url + "/deals")
    boss.select_option("#new-deal select[name=kind]", "acqui-hire")
    boss.fill("#new-deal input[name=company]", "Tiny Robotics")
    boss.fill("#new-deal input[name=amount]", "thirty million")
    boss.click("#new-deal button")
    assert "not an amount" in boss.inner_text("#new-deal .field-error[data-field=amount]")
    assert boss.input_value("#new-deal input[name=company]") == "Tiny Robotics"  # what was typed is kept
    assert boss.input_value("#new-deal select[name=kind]") == "acqui-hire"
    boss.fill("#new-deal input[name=amount]", "$30,000,000")
    boss.fill("#new-deal input[name=stake_percent]", "40%")
    boss.click("#new-deal button")
    row = boss.locator("#deal-list tr", has_text="Tiny Robotics")
    assert "30,000,000" in row.inner_text() and "Acqui-hire" in row.inner_text() and "40%" in row.inner_text()
    deal_id = str(row.get_attribute("id")).removeprefix("deal-")

    # A second tab opened now will hold a stale version of the deal.
    stale = sign_in(browser, base_url, "executive")
    stale.goto(base_url + "/deals")
    edit = f"form[action='/deals/{deal_id}']"
    boss.select_option(f"{edit} select[name=status]", "negotiating")
    boss.fill(f"{edit} input[name=amount]", "32.5M")
    boss.click(f"{edit} button")
    row = boss.locator(f"#deal-{deal_id}")
    assert "32,500,000" in row.inner_text() and "Negotiating" in row.inner_text()

    people = f"form[action='/deals/{deal_id}/people']"
    boss.select_option(f"{people} select[name=candidate_id]", str(founder))
    boss.fill(f"{people} input[name=note]", "co-founder")
    boss.click(f"{people} button")
    row = boss.locator(f"#deal-{deal_id}")
    assert row.locator(f"a[href='/candidates/{founder}']").inner_text() == "Mo Founder"
    cost = row.locator("td.cost").inner_text()
    assert "32,500,000 a key person" in cost and "key hire" not in cost  # one key person, not hired yet
    shot(boss, "13-deals-edited")

    # The stale tab's save is refused at its form, and changes nothing.
    stale.select_option(f"{edit} select[name=status]", "dropped")
    stale.click(f"{edit} button")
    refusal = stale.locator(f"{edit} .form-error, {edit} .field-error").first.inner_text()
    assert "was changed by Executive User at" in refusal and "now negotiating" in refusal, refusal
    assert "Negotiating" in stale.inner_text(f"#deal-{deal_id}")
    shot(stale, "14-deals-stale-edit")
