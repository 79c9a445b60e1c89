"""Human labels for kinds and stages (issue 17): pages read "Meeting", "In conversation", "Pending approval",
never the names the services use ("meeting", "in conversation" lower-case, "pending_approval")."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from tests.api.conftest import Signed


def visible(page: str) -> str:
    """The text a reader sees: tags (and the attribute values inside them) left out."""
    body = page.split("<main", 1)[1]
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def test_kinds_stages_and_statuses_read_as_words(as_role: Callable[[str], Signed]) -> None:
    boss = as_role("executive")
    made = boss.client.post("/api/v1/candidates", json={"name": "Mo Founder", "target_role": "head of research"},
                            headers=boss.headers()).json()
    cid = made["id"]
    logged = boss.client.post(f"/api/v1/candidates/{cid}/activities", headers=boss.headers(),
                              json={"kind": "meeting", "subject": "Dinner", "place": "Chez Panisse",
                                    "occurred_at": "2026-12-03T19:30:00"})
    assert logged.status_code == 201, logged.text
    moved = boss.client.post(f"/api/v1/candidates/{cid}/stage", json={"stage": "in conversation"},
                             headers=boss.headers())
    assert moved.status_code == 200, moved.text
    offer = boss.client.post(f"/api/v1/candidates/{cid}/offers", headers=boss.headers(),
                             json={"base": 500_000, "start_date": "2027-01-04", "expires_on": "2027-01-01"}).json()
    assert boss.client.post(f"/api/v1/offers/{offer['id']}/submit", json={}, headers=boss.headers()).status_code == 200

    page = visible(boss.client.get(f"/candidates/{cid}").text)
    for label in ("Meeting", "Stage change", "In conversation", "Pending approval", "Head of research"):
        assert label in page, label
    offers = visible(boss.client.get("/offers").text)
    feed = visible(boss.client.get("/feed").text)
    assert "Pending approval" in offers and "Meeting" in feed
    for raw in ("pending_approval", "industry_lab", "government_nonprofit"):
        assert raw not in page + offers + feed, raw
