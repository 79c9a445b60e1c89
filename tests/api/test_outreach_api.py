"""Outreach over the API: the same draft and the same send as the candidate page and `pipeline email`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.api.conftest import make_home, sign_in

from labscout.config import SmtpSettings
from labscout.web.app import create_app
from smtpserver import SmtpServer


@pytest.fixture()
def smtp() -> Iterator[SmtpServer]:
    with SmtpServer() as server:
        yield server


@pytest.fixture()
def client(world: Path, tmp_path: Path, smtp: SmtpServer) -> Iterator[TestClient]:
    settings = replace(make_home(world, tmp_path / "home"),
                       smtp=SmtpSettings(host="127.0.0.1", port=smtp.port, sender="talent@lab.example"))
    with TestClient(create_app(settings), base_url="https://testserver") as c:
        yield c


def test_draft_then_send_as_the_page_does(client: TestClient, smtp: SmtpServer) -> None:
    who = sign_in(client, "recruiter")
    assert "intro" in [t["name"] for t in client.get("/api/v1/outreach/templates").json()]
    ada = client.get("/api/v1/people", params={"name": "Ada Lovel"}).json()[0]["person_id"]
    made = client.post("/api/v1/candidates", json={"person_id": ada, "target_role": "researcher",
                                                   "email": "ada@example.org"}, headers=who.headers()).json()
    draft = client.get(f"/api/v1/candidates/{made['id']}/draft", params={"template": "intro"})
    assert draft.status_code == 200, draft.text
    d = draft.json()
    assert d["to"] == "ada@example.org" and d["moves_to"] == "contacted"
    assert d["papers"] and all(p["venue"] and re.fullmatch(r"\d{4}", str(p["year"])) for p in d["papers"])
    assert d["papers"][0]["title"] in d["body"] and d["evidence"]["papers"][0] == d["papers"][0]["paper_id"]
    assert not smtp.inbox.messages  # a draft sends nothing

    sent = client.post(f"/api/v1/candidates/{made['id']}/email", headers=who.headers(), json={
        "subject": d["subject"], "body": d["body"], "template": "intro"})
    assert sent.status_code == 201, sent.text
    entry = sent.json()
    assert entry["kind"] == "email" and entry["meta"]["delivery"] == "sent" and entry["attendees"] == [
        "ada@example.org"]
    assert entry["meta"]["evidence"]["papers"] == d["evidence"]["papers"]  # what the letter cited, kept with it
    assert len(smtp.inbox.messages) == 1 and smtp.inbox.messages[0]["To"].endswith("<ada@example.org>")
    assert client.get(f"/api/v1/candidates/{made['id']}").json()["stage"] == "contacted"


def test_bad_input_is_answered_at_its_field_and_nothing_is_sent(client: TestClient, smtp: SmtpServer) -> None:
    who = sign_in(client, "recruiter")
    made = client.post("/api/v1/candidates", json={"name": "Hand Entered", "target_role": "researcher"},
                       headers=who.headers()).json()
    url = f"/api/v1/candidates/{made['id']}/email"
    no_address = client.post(url, json={"subject": "Hello", "body": "Dear you"}, headers=who.headers())
    assert no_address.status_code == 422 and no_address.json()["field"] == "to"
    two = client.post(url, json={"subject": "Hello", "body": "Dear you", "to": "a@x.example, b@y.example"},
                      headers=who.headers())
    assert two.status_code == 422 and two.json()["field"] == "to" and "exactly one" in two.json()["detail"]
    missing = client.get(f"/api/v1/candidates/{made['id']}/draft", params={"template": "nonesuch"})
    assert missing.status_code == 404 and "no template called 'nonesuch'" in missing.json()["detail"]
    viewer = sign_in(client, "viewer")
    assert client.post(url, json={"subject": "Hi", "body": "x", "to": "a@x.example"},
                       headers=viewer.headers()).status_code == 403
    assert not smtp.inbox.messages
    client.cookies.clear()
    sign_in(client, "recruiter")
    assert [e for e in client.get(f"/api/v1/candidates/{made['id']}/timeline").json() if e["kind"] == "email"] == []
