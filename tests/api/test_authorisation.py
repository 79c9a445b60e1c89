"""Every endpoint against every role: allowed where the role's permissions say, 403 elsewhere, 401 signed out.

Expectations come from the permission table itself (`roles.PERMISSIONS`), so the test follows the policy, and
the policy is enforced by the services: the API cannot show what they refuse.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from tests.api.conftest import Signed

from labscout.pipeline.roles import Perm, Role, has
from labscout.pipeline.users import Actor

SOON, LATER = (date.today() + timedelta(days=30)).isoformat(), (date.today() + timedelta(days=90)).isoformat()
# Below the approval threshold (1.5M over four years): HR may approve it.
OFFER = {"base": 200_000, "start_date": LATER, "expires_on": SOON, "equity_value": 400_000, "gpus": 64}
LARGE = {**OFFER, "base": 2_000_000, "equity_value": 50_000_000}

# (method, path, body, permission needed; None: any signed-in user)
ENDPOINTS: list[tuple[str, str, dict[str, object] | None, Perm | None]] = [
    ("GET", "/api/v1/search?q=diffusion", None, None),
    ("GET", "/api/v1/people?name=Ada%20Lovel", None, None),
    ("GET", "/api/v1/people/{ada}", None, None),
    ("GET", "/api/v1/orgs/openai", None, None),
    ("GET", "/api/v1/moves?to_org=openai", None, None),
    ("GET", "/api/v1/flows?min_people=1", None, None),
    ("GET", "/api/v1/intro?to=Ada%20Lovel&via_org=mit", None, None),
    ("GET", "/api/v1/candidates", None, Perm.VIEW_PIPELINE),
    ("GET", "/api/v1/candidates/{candidate}", None, Perm.VIEW_PIPELINE),
    ("POST", "/api/v1/candidates", {"name": "New Person", "target_role": "engineer"}, Perm.EDIT_CANDIDATES),
    ("POST", "/api/v1/candidates/{candidate}/stage", {"stage": "contacted"}, Perm.EDIT_CANDIDATES),
    ("GET", "/api/v1/candidates/{candidate}/timeline", None, Perm.VIEW_PIPELINE),
    ("POST", "/api/v1/candidates/{candidate}/notes", {"text": "hello @hr@lab.example"}, Perm.EDIT_CANDIDATES),
    ("POST", "/api/v1/candidates/{candidate}/activities",
     {"kind": "meeting", "subject": "dinner", "place": "Nopa"}, Perm.EDIT_CANDIDATES),
    ("GET", "/api/v1/feed", None, Perm.VIEW_PIPELINE),
    ("GET", "/api/v1/offers", None, Perm.VIEW_PIPELINE),
    ("POST", "/api/v1/candidates/{candidate}/offers", OFFER, Perm.DRAFT_OFFERS),
    ("GET", "/api/v1/offers/{offer}", None, Perm.VIEW_PIPELINE),
    ("POST", "/api/v1/offers/{offer}/approve", {}, Perm.APPROVE_OFFERS),
    ("GET", "/api/v1/plan", None, Perm.VIEW_PIPELINE),
    ("PUT", "/api/v1/plan/roles/researcher", {"slots": 35, "budget": 100_000_000}, Perm.EDIT_PLAN),
    ("GET", "/api/v1/deals", None, Perm.SEE_DEALS),
    ("POST", "/api/v1/deals", {"kind": "acquihire", "company": "TinyLab", "amount": 5_000_000}, Perm.EDIT_DEALS),
    ("PATCH", "/api/v1/candidates/{candidate}", {"priority": 1}, Perm.EDIT_CANDIDATES),
    ("GET", "/api/v1/mentions", None, Perm.VIEW_PIPELINE),
    ("GET", "/api/v1/mentions/unread", None, Perm.VIEW_PIPELINE),
    ("PUT", "/api/v1/stages/outreach", {"stage": "contacted"}, Perm.CONFIGURE),
    ("PUT", "/api/v1/plan/budget", {"amount": 140_000_000}, Perm.EDIT_PLAN),
    ("PUT", "/api/v1/plan/threshold", {"amount": 1_500_000}, Perm.CONFIGURE),
    ("DELETE", "/api/v1/plan/roles/nobody", None, Perm.EDIT_PLAN),
    ("PATCH", "/api/v1/deals/1", {"status": "negotiating"}, Perm.EDIT_DEALS),
    ("POST", "/api/v1/deals/1/people", {"candidate_id": 1}, Perm.EDIT_DEALS),
    ("GET", "/api/v1/outreach/templates", None, Perm.VIEW_PIPELINE),
    ("GET", "/api/v1/candidates/{candidate}/draft?template=intro", None, Perm.SEND_OUTREACH),
    # Two addresses: refused (422) once the role may send, so no mail server is needed here.
    ("POST", "/api/v1/candidates/{candidate}/email", {"subject": "Hi", "body": "Dear Ada",
                                                      "to": "a@x.example, b@y.example"}, Perm.SEND_OUTREACH),
    # Watching: each user's own lists (viewers too); marking organisations is the team's.
    ("GET", "/api/v1/alerts", None, None),
    ("GET", "/api/v1/alerts/unread", None, None),
    ("PUT", "/api/v1/alerts/digest", {"daily_digest": True}, None),
    ("POST", "/api/v1/watched", {"person": "Ada Lovel"}, None),
    ("GET", "/api/v1/watched", None, None),
    ("POST", "/api/v1/saved-searches", {"name": "rl", "query": "reinforcement learning"}, None),
    ("GET", "/api/v1/saved-searches", None, None),
    ("GET", "/api/v1/marked-orgs", None, None),
    ("PUT", "/api/v1/marked-orgs/openai", {"relation": "rival"}, Perm.EDIT_CANDIDATES),
]


def setup_world(as_role: Callable[[str], Signed], drafter: str = "hr") -> dict[str, str]:
    """A candidate (by the executive) and an offer pending approval (by `drafter`: nobody approves their own)."""
    boss = as_role("executive")
    ada = boss.client.get("/api/v1/people", params={"name": "Ada Lovel"}).json()[0]["person_id"]
    made = boss.client.post("/api/v1/candidates", json={"name": "Ada Lovel", "target_role": "researcher",
                                                        "person_id": ada}, headers=boss.headers()).json()
    hr = as_role(drafter)
    offer = hr.client.post(f"/api/v1/candidates/{made['id']}/offers", json=OFFER, headers=hr.headers())
    assert offer.status_code == 201, offer.text
    hr.client.post(f"/api/v1/offers/{offer.json()['id']}/submit", json={}, headers=hr.headers())
    return {"ada": ada, "candidate": str(made["id"]), "offer": str(offer.json()["id"])}


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_every_endpoint_follows_the_permissions(role: str, as_role: Callable[[str], Signed]) -> None:
    ids = setup_world(as_role, drafter="executive" if role == "hr" else "hr")
    who = as_role(role)
    actor = Actor(user_id=1, name=role, role=Role(role))
    for method, path, body, perm in ENDPOINTS:
        url = path.format(**ids)
        response = who.client.request(method, url, json=body, headers=who.headers())
        allowed = perm is None or has(actor, perm)
        if allowed:
            assert response.status_code not in (401, 403), (role, method, url, response.text)
        else:
            assert response.status_code == 403, (role, method, url, response.status_code, response.text)


def test_signed_out_everything_is_401(client: TestClient) -> None:
    for method, path, body, _ in ENDPOINTS:
        response = client.request(method, path.format(ada="p1", candidate="1", offer="1"), json=body)
        assert response.status_code == 401, (method, path, response.text)


def test_a_recruiter_never_sees_offer_figures(as_role: Callable[[str], Signed]) -> None:
    ids = setup_world(as_role)
    rec = as_role("recruiter")
    for offer in (rec.client.get(f"/api/v1/offers/{ids['offer']}").json(), rec.client.get("/api/v1/offers").json()[0]):
        assert offer["redacted"] is True
        assert offer["base"] is None and offer["equity_value"] is None and offer["total_4y"] is None
    page = rec.client.get(f"/candidates/{ids['candidate']}").text
    assert "200,000" not in page and "visible to executives and HR" in page
    hr = as_role("hr")
    assert hr.client.get(f"/api/v1/offers/{ids['offer']}").json()["base"] == 200_000


def test_only_another_executive_approves_above_the_threshold(as_role: Callable[[str], Signed]) -> None:
    ids = setup_world(as_role, drafter="hr")
    hr = as_role("hr")
    hr.client.post(f"/api/v1/offers/{ids['offer']}/withdraw", json={"reason": "replaced"}, headers=hr.headers())
    large = hr.client.post(f"/api/v1/candidates/{ids['candidate']}/offers", json=LARGE, headers=hr.headers()).json()
    hr.client.post(f"/api/v1/offers/{large['id']}/submit", json={}, headers=hr.headers())
    refused = hr.client.post(f"/api/v1/offers/{large['id']}/approve", json={}, headers=hr.headers())
    assert refused.status_code == 403 and "nobody approves an offer they drafted" in refused.json()["detail"]
    boss = as_role("executive")
    approved = boss.client.post(f"/api/v1/offers/{large['id']}/approve", json={}, headers=boss.headers())
    assert approved.status_code == 200 and approved.json()["status"] == "approved"


class TestOneShapeForEveryFace:
    def test_a_duplicate_names_the_existing_candidate(self, as_role: Callable[[str], Signed]) -> None:
        ids = setup_world(as_role)
        boss = as_role("executive")
        again = boss.client.post("/api/v1/candidates", json={"target_role": "engineer", "person_id": ids["ada"]},
                                 headers=boss.headers())
        assert again.status_code == 409
        body = again.json()
        assert body["field"] == "person_id" and body["existing"]["candidate_id"] == int(ids["candidate"])
        assert body["existing"]["url"] == f"/api/v1/candidates/{ids['candidate']}"

    def test_errors_carry_their_field_and_a_stale_edit_says_who(self, as_role: Callable[[str], Signed]) -> None:
        ids = setup_world(as_role)
        rec = as_role("recruiter")
        url = f"/api/v1/candidates/{ids['candidate']}"
        version = rec.client.get(url).json()["version"]
        moved = rec.client.patch(url, json={"email": "ada@example.org", "expected_version": version},
                                 headers=rec.headers())
        assert moved.status_code == 200 and moved.json()["email"] == "ada@example.org"
        stale = rec.client.patch(url, json={"priority": 1, "expected_version": version}, headers=rec.headers())
        assert stale.status_code == 409 and stale.json()["field"] == "version"
        assert "Recruiter User" in stale.json()["detail"] and "now at stage" in stale.json()["detail"]
        bad = rec.client.patch(url, json={"email": "not an address"}, headers=rec.headers())
        assert bad.status_code == 422 and bad.json()["field"] == "email"
        search = rec.client.get("/api/v1/search", params={"q": "diffusion", "top": 0})
        assert search.status_code == 422 and search.json()["errors"][0]["field"] == "top"

    def test_mentions_inbox_and_unread_count(self, as_role: Callable[[str], Signed]) -> None:
        ids = setup_world(as_role)
        rec = as_role("recruiter")
        rec.client.post(f"/api/v1/candidates/{ids['candidate']}/notes", json={"text": "@hr@lab.example look"},
                        headers=rec.headers())
        hr = as_role("hr")
        assert hr.client.get("/api/v1/mentions/unread").json() == {"unread": 1}
        (first,) = hr.client.get("/api/v1/mentions").json()
        assert first["seen_at"] is None and first["comment"]["body"] == "@hr@lab.example look"
        assert hr.client.get("/api/v1/mentions/unread").json() == {"unread": 0}

    def test_plan_amounts_and_deals(self, as_role: Callable[[str], Signed]) -> None:
        ids = setup_world(as_role)
        boss = as_role("executive")
        assert boss.client.put("/api/v1/plan/budget", json={"amount": 140_000_000},
                               headers=boss.headers()).json() == {"amount": 140_000_000}
        assert boss.client.get("/api/v1/plan").json()["budget_total"] == 140_000_000
        deal = boss.client.post("/api/v1/deals", json={"kind": "acqui-hire", "company": "Tiny", "amount": 5},
                                headers=boss.headers()).json()
        signed = boss.client.patch(f"/api/v1/deals/{deal['id']}", json={"status": "signed", "stake_percent": 100},
                                   headers=boss.headers()).json()
        assert (signed["status"], signed["stake_percent"]) == ("signed", "100.000")
        people = boss.client.post(f"/api/v1/deals/{deal['id']}/people", json={"candidate_id": int(ids["candidate"])},
                                  headers=boss.headers()).json()
        assert [k["name"] for k in people["key_people"]] == ["Ada Lovel"]
        assert boss.client.put("/api/v1/stages/outreach", json={"stage": None},
                               headers=boss.headers()).json() == {"stage": None}

    def test_the_routers_own_answers_have_the_one_shape(self, as_role: Callable[[str], Signed]) -> None:
        boss = as_role("executive")
        api = boss.client.get("/api/v1/no-such-thing")
        assert api.status_code == 404 and api.headers["content-type"].startswith("application/problem+json")
        assert api.json()["title"] == "Not Found" and api.json()["status"] == 404
        page = boss.client.get("/candidates//edit")
        assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
        wrong = boss.client.put("/api/v1/plan", json={})
        assert wrong.status_code == 405 and wrong.json()["title"] == "Method Not Allowed" and "allow" in wrong.headers


def test_search_pages_on_with_offset_as_the_page_does(as_role: Callable[[str], Signed]) -> None:
    who = as_role("viewer")
    answer = who.client.get("/api/v1/search", params={"q": "reinforcement learning", "top": 3}).json()
    first = answer["experts"]
    assert len(first) == 3 and not answer["has_more"]  # everyone the small world has on it
    window = who.client.get("/api/v1/search", params={"q": "reinforcement learning", "top": 2, "offset": 1}).json()
    assert (window["offset"], window["limit"], window["has_more"]) == (1, 2, False)
    second = window["experts"]
    assert [(h["rank"], h["person_id"]) for h in second] == [(h["rank"], h["person_id"]) for h in first[1:]]
    assert [h["rank"] for h in second] == [2, 3]
    page = who.client.get("/search", params={"q": "reinforcement learning"}).text
    assert all(h["name"] in page for h in first)  # the page ranks the same people
    past = who.client.get("/api/v1/search", params={"q": "reinforcement learning", "offset": 1000})
    assert past.status_code == 422
