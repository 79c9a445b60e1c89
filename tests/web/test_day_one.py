"""The head of recruiting's first day, in Chromium, on the real research store (skipped without the data).

Find a researcher by name, reach page 2 of an expert search, set the plan, budget and approval threshold, edit
a candidate and log a dated dinner, write to them (To filled from the candidate), take one offer through
approval to a decline and withdraw another, be refused a duplicate add with a link to the candidate there is,
read a mention in the inbox, and see a stale drag on the board answered with who moved the card and where it
is. Forms that get bad input answer at the field and keep what was typed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from tests.api.conftest import make_home
from tests.web.conftest import NEEDS_CHROMIUM, shot, sign_in

from labscout.config import SmtpSettings
from labscout.research.store import ResearchStore
from labscout.talent import index
from labscout.web.app import create_app
from loopback import serve_app
from smtpserver import SmtpServer

pytestmark = [NEEDS_CHROMIUM, pytest.mark.realdata]


@pytest.fixture(scope="module")
def base_url(real_store_path: Path, tmp_path_factory: pytest.TempPathFactory, smtp: SmtpServer) -> Iterator[str]:
    home = make_home(real_store_path, tmp_path_factory.mktemp("day-one") / "home")
    settings = replace(home, smtp=SmtpSettings(host="127.0.0.1", port=smtp.port, sender="team@lab.example"))
    # The search index is a cache made on the first search after a build (abstracts and all: tens of seconds on
    # a busy machine); made here, so that no page load waits for it.
    with ResearchStore(settings.research_store) as store:
        index.open_index(store)
    with serve_app(create_app(settings, secure_cookies=False), "/login") as base:
        yield base


def added(page: Any) -> str:
    """The candidate page an add button led to."""
    page.wait_for_selector("a.added")
    href = page.get_attribute("a.added", "href")
    assert href and re.fullmatch(r"/candidates/\d+", href)
    return str(href)


def field_error(page: Any, form: str, name: str) -> str:
    return str(page.inner_text(f"{form} .field-error[data-field={name}]"))


def test_day_one(browser: Any, base_url: str, smtp: SmtpServer) -> None:
    boss = sign_in(browser, base_url, "executive")
    hr = sign_in(browser, base_url, "hr")

    # Find by name: one box for topics and names, the people called so first.
    boss.goto(base_url + "/search?q=Yejin+Choi")
    assert "People called Yejin Choi" in boss.inner_text("#people-called")
    people = boss.locator("#people tr")
    assert people.count() >= 2 and "Yejin Choi" in people.nth(1).inner_text()
    person_url = people.nth(1).locator("a").first.get_attribute("href")
    shot(boss, "day1-01-search-by-name")
    boss.goto(base_url + "/search?q=Yang+Liu")  # a common name: the first ten, the rest one click away
    assert boss.locator("#people tr").count() == 11
    more = int(boss.inner_text("#more-people summary").split()[0])
    assert more > 50 and boss.locator("#more-people tr").count() == more + 1
    hr.goto(base_url + person_url)  # HR has the same person open, not yet in the pipeline
    boss.goto(base_url + person_url)
    boss.select_option("#pipeline select[name=role]", "head of research")
    boss.click("#pipeline button.add")
    first = added(boss)
    hr.click("#pipeline button.add")  # too late: refused, with the way to the candidate there is
    hr.wait_for_selector(".already a.existing")
    assert hr.get_attribute(".already a.existing", "href") == first
    assert "Already in the pipeline" in hr.inner_text("#pipeline")
    shot(hr, "day1-02-duplicate-refused")

    # Page 2 of an expert search: ranks 26 to 50.
    boss.goto(base_url + "/search?q=vision+transformers")
    assert boss.locator("#results tr").count() == 26  # a header and 25 people
    boss.click(".pager a.next")
    boss.wait_for_url(re.compile(r"page=2"))
    ranks = [int(r) for r in boss.locator("#results tr td:first-child").all_inner_texts()]
    assert ranks[0] == 26 and ranks == list(range(26, 26 + len(ranks)))
    row = boss.locator("#results tr", has_text="Lucas Beyer")
    row = row if row.count() else boss.locator("#results tr").nth(1)
    shot(boss, "day1-03-search-page-2")
    row.locator("button.add").click()
    second = added(boss)

    # Plan, budget and threshold, money as people write it; a bad amount is answered at its field.
    boss.goto(base_url + "/plan")
    boss.fill("#set-role input[name=role]", "researcher")
    boss.fill("#set-role input[name=slots]", "35")
    boss.fill("#set-role input[name=budget]", "lots")
    boss.click("#set-role button")
    assert "not an amount" in field_error(boss, "#set-role", "budget")
    assert boss.input_value("#set-role input[name=budget]") == "lots"
    assert boss.input_value("#set-role input[name=role]") == "researcher"
    shot(boss, "day1-04-plan-error-kept")
    boss.fill("#set-role input[name=budget]", "105M")
    boss.click("#set-role button")
    assert "105,000,000" in boss.inner_text("#roles tr[data-role=researcher]")
    boss.fill("#set-budget input[name=amount]", "$140,000,000")
    boss.click("#set-budget button")
    assert "140,000,000" in boss.inner_text("#budget")
    boss.fill("#set-threshold input[name=amount]", "5M")
    boss.click("#set-threshold button")
    assert "5,000,000" in boss.inner_text("#threshold")
    shot(boss, "day1-05-plan")

    # The first candidate: edit, a dated dinner, an e-mail addressed from the candidate.
    boss.goto(base_url + first)
    boss.click("#details summary")
    boss.fill("#edit-candidate input[name=email]", "yejin@example.org")
    boss.fill("#edit-candidate input[name=tags]", "nlp, reasoning")
    boss.click("#edit-candidate button")
    assert "yejin@example.org" in boss.inner_text("#details")
    boss.select_option("#log select[name=kind]", "meeting")
    boss.fill("#log input[name=subject]", "Dinner")
    boss.fill("#log input[name=place]", "Chez Panisse")
    boss.fill("#log input[name=occurred_at]", "2026-12-03T19:30")
    boss.click("#log button")
    dinner = boss.locator(".timeline li[data-kind=meeting]")
    assert "2026-12-03 19:30" in dinner.inner_text() and "Chez Panisse" in dinner.inner_text()
    boss.click("#outreach button.compose")
    assert boss.input_value("#send-email input[name=to]") == "yejin@example.org"
    assert "$" not in boss.input_value("#send-email input[name=subject]")
    assert re.search(r"\(\w[\w ]* \d{4}\)", boss.inner_text("#outreach .cites"))  # titles with venue and year
    boss.click("#send-email button.send")
    boss.wait_for_selector(".timeline li[data-kind=email] .delivery.sent")
    assert smtp.inbox.messages[-1]["To"].endswith("<yejin@example.org>")
    assert boss.inner_text("#stage") == "Contacted"

    # An offer, declined: drafted with a typo first, approved by HR, sent, declined with the reason.
    boss.fill("#draft-offer input[name=base]", "75O000")
    boss.fill("#draft-offer input[name=equity_value]", "1.2M")
    boss.click("#draft-offer button")
    assert "not an amount" in field_error(boss, "#draft-offer", "base")
    assert boss.input_value("#draft-offer input[name=equity_value]") == "1.2M"
    boss.fill("#draft-offer input[name=base]", "750k")
    boss.click("#draft-offer button")
    boss.click("button.step-submit")
    assert "Pending approval" in boss.inner_text("#offers")
    hr.goto(base_url + first)
    hr.click("button.step-approve")  # 4.2M over four years: under the 5M threshold, and HR did not draft it
    hr.wait_for_selector(".offer[data-status=approved]")
    boss.goto(base_url + first)
    boss.click("button.step-send")
    boss.fill("form.step:has(button.step-decline) input[name=reason]", "stays at her lab")
    boss.click("button.step-decline")
    boss.wait_for_selector(".offer[data-status=declined]")
    assert "stays at her lab" in boss.inner_text("#offers") and boss.inner_text("#stage") == "Declined"
    shot(boss, "day1-06-offer-declined")

    # A mention, read in the inbox.
    boss.fill("#discussion textarea[name=text]", "@nobody.here can you check?")
    boss.click("#discussion button")
    assert "names no user" in field_error(boss, "#discussion", "text")
    assert "can you check" in boss.input_value("#discussion textarea[name=text]")  # kept
    boss.fill("#discussion textarea[name=text]", "@hr@lab.example she declined: can we do better?")
    boss.click("#discussion button")
    hr.goto(base_url + "/board")
    hr.wait_for_selector("#unread")
    assert hr.inner_text("#unread") == "1"
    hr.click("#mentions-link")
    assert "can we do better" in hr.inner_text("#inbox li.unread")
    shot(hr, "day1-07-mentions")
    hr.reload()
    assert hr.locator("#inbox li.unread").count() == 0 and hr.locator("#unread").count() == 0

    # The second candidate's offer, withdrawn while a draft.
    boss.goto(base_url + second)
    boss.fill("#draft-offer input[name=base]", "400k")
    boss.click("#draft-offer button")
    boss.fill("form.step:has(button.step-withdraw) input[name=reason]", "role closed")
    boss.click("button.step-withdraw")
    boss.wait_for_selector(".offer[data-status=withdrawn]")
    assert "Withdrawn" in boss.inner_text("#offers")

    # A stale drag: HR moves the card first; the executive's board still shows it where it was.
    card_id = second.rsplit("/", 1)[1]
    boss.goto(base_url + "/board")
    hr.goto(base_url + "/board")
    hr.locator(f".cardlet[data-id='{card_id}']").drag_to(hr.locator(".column[data-stage='contacted']"))
    hr.wait_for_function(f"() => document.querySelector(\".cardlet[data-id='{card_id}']\")"
                         ".closest('.column').dataset.stage === 'contacted'")
    boss.locator(f".cardlet[data-id='{card_id}']").drag_to(boss.locator(".column[data-stage='in conversation']"))
    boss.wait_for_selector("#board-notice .conflict")
    notice = boss.inner_text("#board-notice")
    assert "Hr User" in notice and "now at stage 'contacted'" in notice
    column = boss.locator(f".cardlet[data-id='{card_id}']").evaluate("c => c.closest('.column').dataset.stage")
    assert column == "contacted"  # the board shows where the card really is
    shot(boss, "day1-08-stale-drag")
