"""The team builder in headless Chromium: the proposed slate with what-ifs, costs, coverage and the floor map.

The executive enters a topic, an estimate, tries "+$10M" and "without", sees the coverage on the dashboard and
loads a floor plan; a recruiter sees the same slate without money. Screenshots go to test-artifacts/screenshots.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from tests.api.conftest import PASSWORD, TEAM, make_home
from tests.web.conftest import NEEDS_CHROMIUM, shot, sign_in

from labscout.web.app import create_app
from loopback import serve_app

pytestmark = NEEDS_CHROMIUM
PEOPLE = [("Ada Lovel", "researcher", "meeting"), ("Cleo Stone", "researcher", "offer"),
          ("Eve Park", "researcher", "accepted"), ("Dan Ray", "head of research", "accepted"),
          ("Finn Cho", "researcher", "contacted")]
FLOOR = "desk,x,y,occupant\nCEO,0,0,Cee Eo\n" + "".join(f"D{i}{j},{i * 2},{j * 2}\n" for i in range(1, 4)
                                                         for j in range(3))


@pytest.fixture(scope="module")
def base_url(world: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    home = make_home(world, tmp_path_factory.mktemp("team-browser") / "home")
    with serve_app(create_app(home, secure_cookies=False), "/login") as base:
        with httpx.Client(base_url=base) as api:
            signed = api.post("/api/v1/session", json={"email": TEAM["executive"], "password": PASSWORD}).json()
            h = {"X-CSRF-Token": signed["csrf_token"]}
            for role, slots, budget in (("head of research", 1, 30_000_000), ("researcher", 3, 60_000_000)):
                api.put(f"/api/v1/plan/roles/{role}", json={"slots": slots, "budget": budget},
                        headers=h).raise_for_status()
            api.put("/api/v1/team/topics", json={"topic": "reinforcement learning",
                                                 "roles": {"researcher": 1, "head of research": 1}},
                    headers=h).raise_for_status()
            for name, role, stage in PEOPLE:
                person = api.get("/api/v1/people", params={"name": name}).json()[0]["person_id"]
                made = api.post("/api/v1/candidates", json={"name": name, "target_role": role, "person_id": person},
                                headers=h)
                made.raise_for_status()
                api.post(f"/api/v1/candidates/{made.json()['id']}/stage", json={"stage": stage},
                         headers=h).raise_for_status()
        yield base


def test_the_slate_what_ifs_coverage_and_floor_map(browser: object, base_url: str, tmp_path: Path) -> None:
    page = sign_in(browser, base_url, "executive")
    page.goto(base_url + "/team")  # type: ignore[attr-defined]
    page.fill("#topic-form input[name=topic]", "diffusion")  # type: ignore[attr-defined]
    page.fill("#topic-form input[name=roles]", "researcher")  # type: ignore[attr-defined]
    page.fill("#topic-form input[name=min_people]", "1")  # type: ignore[attr-defined]
    page.click("#topic-form button")  # type: ignore[attr-defined]
    page.wait_for_selector("#needs")  # type: ignore[attr-defined]
    assert "diffusion" in page.inner_text("main")  # type: ignore[attr-defined]

    page.goto(base_url + "/team/costs")  # type: ignore[attr-defined]
    row = page.locator("#costs tr", has_text="Cleo Stone")  # type: ignore[attr-defined]
    row.locator("input[name=cost]").fill("45,000,000")
    row.locator("button").click()
    page.wait_for_selector("#costs tr:has-text('Cleo Stone'):has-text('45,000,000 USD')")  # type: ignore[attr-defined]
    shot(page, "20-team-costs")
    cleo_url = row.locator("a").get_attribute("href")
    page.goto(base_url + cleo_url)  # type: ignore[attr-defined]
    assert "45,000,000 USD (estimate) · chance 60% (the stage)" in page.inner_text("#team-cost")  # type: ignore[attr-defined]

    # Chances are editable on the same page: a stage's (then back to its default) and one candidate's own.
    page.goto(base_url + "/team/costs")  # type: ignore[attr-defined]
    meeting = page.locator("#chances + table tr", has_text="meeting")  # type: ignore[attr-defined]
    assert "35% (default)" in meeting.inner_text()
    meeting.locator("input[name=chance]").fill("50%")
    meeting.locator("button").click()
    page.wait_for_selector("#chances + table tr:has-text('meeting'):has-text('50% (team)')")  # type: ignore[attr-defined]
    assert "50% (stage)" in page.locator("#costs tr", has_text="Ada Lovel").inner_text()  # type: ignore[attr-defined]
    page.locator("#chances + table tr", has_text="meeting").locator("button").click()  # type: ignore[attr-defined]
    page.wait_for_selector("#chances + table tr:has-text('meeting'):has-text('35% (default)')")  # type: ignore[attr-defined]
    finn = page.locator("#costs tr", has_text="Finn Cho")  # type: ignore[attr-defined]
    finn.locator("input[name=chance]").fill("15%")
    finn.locator("button").click()
    page.wait_for_selector("#costs tr:has-text('Finn Cho'):has-text('15% (own)')")  # type: ignore[attr-defined]
    finn = page.locator("#costs tr", has_text="Finn Cho")  # type: ignore[attr-defined]
    finn.locator("input[name=chance]").fill("")
    finn.locator("button").click()
    page.wait_for_selector("#costs tr:has-text('Finn Cho'):has-text('10% (stage)')")  # type: ignore[attr-defined]

    page.goto(base_url + "/team")  # type: ignore[attr-defined]
    picks = page.inner_text("#picks")  # type: ignore[attr-defined]
    # Eve and Dan are hired; 2 researcher slots and 40M are left: Ada (20M) and Cleo (45M) do not both fit
    assert "Ada Lovel" in picks and "Finn Cho" in picks and "Cleo Stone" not in picks
    assert "optimal" in page.inner_text("#summary") and "Greedy slate" in page.inner_text("#greedy")  # type: ignore[attr-defined]
    assert "#1 for 'reinforcement learning'" in picks
    shot(page, "21-team")
    page.click("#plus-10m")  # type: ignore[attr-defined]
    page.wait_for_selector("#changes")  # type: ignore[attr-defined]
    changes = page.inner_text("#changes")  # type: ignore[attr-defined]
    assert "budget +10,000,000" in changes and "+ Cleo Stone" in changes and "− Finn Cho" in changes
    shot(page, "22-team-plus-10m")
    page.goto(base_url + "/team")  # type: ignore[attr-defined]
    page.select_option("#what-if select[name=without]", label="Ada Lovel")  # type: ignore[attr-defined]
    page.click("#without")  # type: ignore[attr-defined]
    page.wait_for_selector("#changes")  # type: ignore[attr-defined]
    assert "without Ada Lovel" in page.inner_text("#changes")  # type: ignore[attr-defined]

    page.goto(base_url + "/")  # type: ignore[attr-defined]
    cover = page.inner_text("#coverage")  # type: ignore[attr-defined]
    assert "diffusion" in cover and "reinforcement learning" in cover and "Not yet approached" in cover
    shot(page, "23-dashboard-coverage")

    floor = tmp_path / "hq.csv"
    floor.write_text(FLOOR)
    page.goto(base_url + "/seating")  # type: ignore[attr-defined]
    page.set_input_files("#floor-form input[type=file]", str(floor))  # type: ignore[attr-defined]
    page.click("#floor-form button")  # type: ignore[attr-defined]
    page.wait_for_selector("#floor-map")  # type: ignore[attr-defined]
    assert page.locator("#floor-map .desk").count() == 10  # type: ignore[attr-defined]
    assert page.locator("#floor-map .desk.leadership").count() == 1  # type: ignore[attr-defined]
    assert page.locator("#floor-map .desk.seated").count() == 3  # type: ignore[attr-defined]  # Eve, Dan, Cleo
    seats = page.inner_text("#seats")  # type: ignore[attr-defined]
    assert seats.splitlines()[1].split("\t")[1] == "Dan Ray"  # the head of research sits nearest the CEO
    assert "exact optimum" in page.inner_text("#seating-figures")  # type: ignore[attr-defined]
    shot(page, "24-seating")
    exported = httpx.get(base_url + page.get_attribute("#export", "href"),  # type: ignore[attr-defined]
                         cookies={c["name"]: c["value"] for c in page.context.cookies()})  # type: ignore[attr-defined]
    assert exported.status_code == 200 and "Dan Ray" in exported.text

    recruiter = sign_in(browser, base_url, "recruiter")
    recruiter.goto(base_url + "/team")  # type: ignore[attr-defined]
    text = recruiter.inner_text("main")  # type: ignore[attr-defined]
    assert "Ada Lovel" in text and "visible to executives and HR" in text
    assert "20,000,000" not in text and "45,000,000" not in text and "+$10M" not in text
    recruiter.goto(base_url + "/team/costs")  # type: ignore[attr-defined]
    assert "45,000,000" not in recruiter.inner_text("main")  # type: ignore[attr-defined]
    recruiter.goto(base_url + cleo_url)  # type: ignore[attr-defined]
    assert "cost hidden (estimate)" in recruiter.inner_text("#team-cost")  # type: ignore[attr-defined]
    shot(recruiter, "25-team-as-recruiter")
