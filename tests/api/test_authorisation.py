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
