"""Every form of the web app, given bad input: a page with the message at the field, never JSON, never a 500."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from tests.api.conftest import PASSWORD, TEAM

JUNK = ["", " ", "lots", "-5", "1e9999", "x" * 5000, "<script>alert(1)</script>", "2026-13-45", "9" * 40, "%00"]


def signed_in(client: TestClient, role: str = "executive") -> str:
    client.cookies.clear()
    page = client.post("/login", data={"email": TEAM[role], "password": PASSWORD}, follow_redirects=True)
    assert page.status_code == 200
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found
    return found.group(1)


def made(client: TestClient, csrf: str) -> tuple[int, int, int]:
    """A candidate with a draft offer and a deal: ids for the forms that act on them."""
    api = client.post("/api/v1/candidates", json={"name": "Ada", "target_role": "researcher"},
                      headers={"X-CSRF-Token": csrf})
    candidate = api.json()["id"]
    offer = client.post(f"/api/v1/candidates/{candidate}/offers", headers={"X-CSRF-Token": csrf},
                        json={"base": 100000, "start_date": "2031-01-01", "expires_on": "2030-12-01"}).json()["id"]
    deal = client.post("/api/v1/deals", json={"kind": "investment", "company": "Tiny", "amount": 5},
                       headers={"X-CSRF-Token": csrf}).json()["id"]
    return candidate, offer, deal


FORMS = {
    "/candidates/{c}/edit": ["name", "target_role", "email", "affiliation", "owner_email", "priority", "tags",
                             "notes", "version"],
    "/candidates/{c}/notes": ["text"],
    "/candidates/{c}/activities": ["kind", "subject", "place", "attendees", "body", "occurred_at"],
    "/candidates/{c}/email": ["subject", "body", "to", "template"],
    "/candidates/{c}/offers": ["base", "bonus", "signing", "equity_value", "gpus", "vesting_years", "start_date",
                               "expires_on", "role", "notes"],
    "/offers/{o}/submit": ["version", "reason"], "/offers/{o}/withdraw": ["version", "reason"],
    "/offers/{o}/sign": ["version", "reason"],
    "/plan/roles": ["role", "slots", "budget"], "/plan/roles/remove": ["role"], "/plan/budget": ["amount"],
    "/plan/threshold": ["amount"],
    "/deals": ["kind", "company", "amount", "stake_percent", "status", "notes"],
    "/deals/{d}": ["status", "amount", "stake_percent", "version"], "/deals/{d}/people": ["candidate_id", "note"],
    "/board/move": ["candidate_id", "stage", "version", "reason"], "/board/outreach-stage": ["outreach_stage"],
    "/pipeline/add": ["person_id", "role", "source_detail"],
}


@pytest.mark.parametrize("path", sorted(FORMS))
def test_bad_input_is_answered_on_a_page(client: TestClient, path: str) -> None:
    csrf = signed_in(client)
    c, o, d = made(client, csrf)
    url = path.format(c=c, o=o, d=d)
    for n in range(len(JUNK)):
        data = {name: JUNK[(n + k) % len(JUNK)] for k, name in enumerate(FORMS[path])}
        answer = client.post(url, data={**data, "csrf_token": csrf}, follow_redirects=False)
        assert answer.status_code < 500, (url, data, answer.text[:300])
        assert not answer.headers.get("content-type", "").startswith("application/json"), (url, answer.text[:300])
        assert "<script>alert(1)</script>" not in answer.text  # what was typed is kept, escaped


@pytest.mark.parametrize("url", ["/candidates/abc", "/candidates/0", "/candidates/99999999999999", "/offers?page=x",
                                 "/search?q=" + "x" * 400, "/search?q=diffusion&since=old", "/people/nobody",
                                 "/orgs/nowhere-at-all", "/search?q=diffusion&page=999", "/candidates?stage=hired"])
def test_bad_addresses_are_pages_too(client: TestClient, url: str) -> None:
    signed_in(client)
    answer = client.get(url)
    assert answer.status_code < 500 and answer.headers["content-type"].startswith("text/html"), answer.text[:300]
