"""Paging everywhere (issue 17): the deals and the talent flows come a page at a time in the browser, as the
candidates, offers, feed, mentions, search, person and organisation pages do; the API pages deals too."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from tests.api.conftest import Signed

from labscout.web.routes import discovery, money


def rows(html: str, table: str) -> list[str]:
    body = html.split(f'<table id="{table}">', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<tr id="deal-(\d+)"', body)


def test_deals_come_a_page_at_a_time(as_role: Callable[[str], Signed], monkeypatch: pytest.MonkeyPatch) -> None:
    boss = as_role("executive")
    made = []
    for n in range(5):
        done = boss.client.post("/api/v1/deals", json={"kind": "investment", "company": f"Lab {n}",
                                                      "amount": 1_000_000 * (n + 1)}, headers=boss.headers())
        assert done.status_code == 201, done.text
        made.append(str(done.json()["id"]))
    monkeypatch.setattr(money, "PER_PAGE", 2)
    pages = [boss.client.get("/deals", params={"page": n}).text for n in (1, 2, 3)]
    assert [rows(p, "deal-list") for p in pages] == [made[:2], made[2:4], made[4:]]
    assert 'href="/deals?page=2"' in pages[0] and 'href="/deals?page=4"' not in pages[2]
    assert "No deals on page 9" in boss.client.get("/deals", params={"page": 9}).text
    api = boss.client.get("/api/v1/deals", params={"limit": 2, "offset": 3}).json()
    assert [str(d["id"]) for d in api] == made[3:5]
    assert len(boss.client.get("/api/v1/deals").json()) == 5  # without limit: all of them, as before
    assert boss.client.get("/api/v1/deals", params={"limit": 0}).status_code == 422


def test_talent_flows_come_a_page_at_a_time(as_role: Callable[[str], Signed],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    who = as_role("viewer")
    everything = who.client.get("/api/v1/flows", params={"since": 2019, "min_people": 1}).json()
    assert len(everything) >= 2
    monkeypatch.setattr(discovery, "FLOWS_PER_PAGE", 1)
    shown = []
    for n in range(1, len(everything) + 1):
        page = who.client.get("/flows", params={"since": 2019, "min_people": 1, "page": n}).text
        shown += re.findall(r"<tr><td>(\d{4})</td><td><a href=\"/orgs/([^\"]+)\">", page)
        assert ('class="next"' in page) == (n < len(everything))
        assert (f"page={n - 1}" in page) == (n > 1)
    assert shown == [(str(f["year"]), f["from_org_id"]) for f in everything]
    # The API pages on with offset, as it does for people, moves and search.
    rest = who.client.get("/api/v1/flows", params={"since": 2019, "min_people": 1, "limit": 1, "offset": 1}).json()
    assert rest == everything[1:2]
