"""Watching over the API: own lists, the team's marks, the inbox after a build, the digest choice."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from tests.api.conftest import Signed

from labscout.config import Settings
from labscout.pipeline import db, refresh
from world import write_world


def rebuild_with_a_new_paper(settings: Settings, tmp_path: Path) -> None:
    """Ada Lovel (OpenAI) writes an ICLR 2024 paper at Anthropic: a new organisation."""
    src = write_world(tmp_path / "src")
    path = src / "iclr" / "iclr2024.json"
    path.write_text(json.dumps([{
        "id": "new1", "title": "Constitutional Reward Models", "track": "main", "status": "Poster",
        "keywords": "alignment", "author": "Ada Lovel", "authorids": "~Ada_Lovel1", "aff": "Anthropic",
        "aff_domain": "anthropic.com", "position": "Researcher"}]))
    engine = db.make_engine(settings.pipeline_url)
    try:
        refresh.rebuild_and_check(db.units_of(engine), settings.research_store, [src])
    finally:
        engine.dispose()


def test_a_watchers_inbox_after_a_build(as_role: Callable[[str], Signed], settings: Settings,
                                        tmp_path: Path) -> None:
    viewer = as_role("viewer")
    made = viewer.client.post("/api/v1/watched", json={"person": "Ada Lovel", "note": "alignment lead?"},
                              headers=viewer.headers())
    assert made.status_code == 201 and made.json()["name"] == "Ada Lovel"
    again = viewer.client.post("/api/v1/watched", json={"person": "Ada Lovel"}, headers=viewer.headers())
    assert again.status_code == 409
    assert viewer.client.get("/api/v1/alerts/unread").json() == {"unread": 0}
    rebuild_with_a_new_paper(settings, tmp_path)
    assert viewer.client.get("/api/v1/alerts/unread").json() == {"unread": 1}
    (alert,) = viewer.client.get("/api/v1/alerts").json()
    assert alert["kind"] == "new_organisation" and alert["title"] == "Ada Lovel: Anthropic (2024)"
    assert alert["evidence"]["sources"] == ["paperlists"] and alert["seen_at"] is None
    assert viewer.client.get("/api/v1/alerts", params={"mark_seen": True}).json()[0]["seen_at"] is None
    assert viewer.client.get("/api/v1/alerts/unread").json() == {"unread": 0}
    hr = as_role("hr")
    assert hr.client.get("/api/v1/alerts").json() == [] and hr.client.get("/api/v1/watched").json() == []
    viewer = as_role("viewer")
    page = viewer.client.get("/alerts").text
    assert "Ada Lovel: Anthropic (2024)" in page and "says so: the paper lists" in page
    gone = viewer.client.delete(f"/api/v1/watched/{made.json()['person_id']}", headers=viewer.headers())
    assert gone.status_code == 204 and viewer.client.get("/api/v1/watched").json() == []


def test_saved_searches_marks_and_the_digest_choice(as_role: Callable[[str], Signed]) -> None:
    rec = as_role("recruiter")
    saved = rec.client.post("/api/v1/saved-searches", json={"name": "diffusion", "query": "diffusion"},
                            headers=rec.headers())
    assert saved.status_code == 201 and "Cleo Stone" in saved.json()["top_names"].values()
    bad = rec.client.post("/api/v1/saved-searches", json={"name": "x", "query": "diffusion", "seniority": "mid"},
                          headers=rec.headers())
    assert bad.status_code == 422 and bad.json()["field"] == "seniority"
    marked = rec.client.put("/api/v1/marked-orgs/openai", json={"relation": "rival"}, headers=rec.headers())
    assert marked.status_code == 200 and marked.json()["relation"] == "rival"
    assert rec.client.put("/api/v1/alerts/digest", json={"daily_digest": True},
                          headers=rec.headers()).json() == {"daily_digest": True}
    viewer = as_role("viewer")
    assert viewer.client.get("/api/v1/saved-searches").json() == []
    assert [m["org_id"] for m in viewer.client.get("/api/v1/marked-orgs").json()] == ["openai"]
    refused = viewer.client.put("/api/v1/marked-orgs/mit", json={"relation": "ours"}, headers=viewer.headers())
    assert refused.status_code == 403
