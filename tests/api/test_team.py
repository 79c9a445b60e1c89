"""The team builder over the API: the slate, what-ifs, coverage and seating, and what each role may see."""

from __future__ import annotations

from tests.api.conftest import Signed


def plan_and_people(executive: Signed) -> dict[str, int]:
    c, h = executive.client, executive.headers()
    for role, slots, budget in (("head of research", 1, 30_000_000), ("researcher", 2, 40_000_000)):
        assert c.put(f"/api/v1/plan/roles/{role}", json={"slots": slots, "budget": budget}, headers=h).is_success
    assert c.put("/api/v1/team/topics", json={"topic": "diffusion", "roles": {"researcher": 1}, "min_people": 1},
                 headers=h).status_code == 200
    assert c.put("/api/v1/team/topics", json={"topic": "reinforcement learning",
                                              "roles": {"researcher": 1, "head of research": 1}},
                 headers=h).status_code == 200
    ids = {}
    for name in ("Cleo Stone", "Ada Lovel", "Eve Park"):
        person = c.get("/api/v1/people", params={"name": name}).json()[0]
        made = c.post("/api/v1/candidates", json={"name": name, "target_role": "researcher",
                                                  "person_id": person["person_id"]}, headers=h)
        assert made.status_code == 201, made.text
        ids[name] = made.json()["id"]
    return ids


def test_propose_what_if_and_redaction(as_role: object) -> None:
    executive: Signed = as_role("executive")  # type: ignore[operator]
    ids = plan_and_people(executive)
    c, h = executive.client, executive.headers()
    assert c.put(f"/api/v1/team/costs/{ids['Cleo Stone']}", json={"cost": 35_000_000, "chance": 0.9},
                 headers=h).json()["cost_source"] == "estimate"
    slate = c.get("/api/v1/team/proposal").json()
    assert {p["candidate"] for p in slate["picks"]} == {"Cleo Stone", "Ada Lovel"}
    assert slate["total_cost"] == 55_000_000 and slate["budget"] == 70_000_000 and slate["optimal"] is True
    assert slate["greedy"]["cost"] == 55_000_000 and slate["gap"] <= 1e-6
    changed = c.get("/api/v1/team/what-if", params={"without": ids["Cleo Stone"]}).json()
    assert [p["candidate"] for p in changed["removed"]] == ["Cleo Stone"]
    assert [p["candidate"] for p in changed["added"]] == ["Eve Park"]

    recruiter: Signed = as_role("recruiter")  # type: ignore[operator]
    hidden = recruiter.client.get("/api/v1/team/proposal").json()
    assert hidden["redacted"] and hidden["total_cost"] is None and hidden["budget"] is None
    assert all(p["expected_cost"] is None for p in hidden["picks"])
    costs = recruiter.client.get("/api/v1/team/costs").json()
    assert costs and all(x["cost"] is None and x["estimate"] is None for x in costs)
    refused = recruiter.client.get("/api/v1/team/what-if", params={"plus_budget": 10_000_000})
    assert refused.status_code == 403
    assert recruiter.client.put(f"/api/v1/team/costs/{ids['Eve Park']}", json={"cost": 1},
                                headers=recruiter.headers()).status_code == 403

    viewer: Signed = as_role("viewer")  # type: ignore[operator]
    assert viewer.client.get("/api/v1/team/proposal").status_code == 403


def test_bad_values_are_problems_naming_the_field(as_role: object) -> None:
    executive: Signed = as_role("executive")  # type: ignore[operator]
    ids = plan_and_people(executive)
    c, h = executive.client, executive.headers()
    bad = c.put(f"/api/v1/team/costs/{ids['Eve Park']}", json={"rule": "may"}, headers=h)
    assert bad.status_code == 422 and bad.json()["detail"].startswith("rule: 'may' is not a slate rule")
    assert bad.json()["field"] == "rule"
    out_of_range = c.put(f"/api/v1/team/costs/{ids['Eve Park']}", json={"chance": 2}, headers=h)
    assert out_of_range.status_code == 422 and out_of_range.json()["errors"][0]["field"] == "chance"
    unplanned = c.put("/api/v1/team/topics", json={"topic": "x", "roles": {"astronaut": 1}}, headers=h)
    assert unplanned.status_code == 422 and "roles: 'astronaut' is not a role of the hiring plan" in \
        unplanned.json()["detail"]
    floor = c.put("/api/v1/seating/floors/hq", json={"csv": "desk,x,y\nA,1,2\nA,3,4\n"}, headers=h)
    assert floor.status_code == 400 and floor.json()["detail"] == \
        "hq.csv, record 2, field 'desk': desk 'A' appears twice (records 1 and 2)"


def test_coverage_and_seating(as_role: object) -> None:
    executive: Signed = as_role("executive")  # type: ignore[operator]
    ids = plan_and_people(executive)
    c, h = executive.client, executive.headers()
    for name in ("Cleo Stone", "Ada Lovel"):
        assert c.post(f"/api/v1/candidates/{ids[name]}/stage", json={"stage": "accepted"}, headers=h).is_success
    cover = {t["topic"]: t for t in c.get("/api/v1/team/coverage", params={"top": 3}).json()}
    assert cover["diffusion"]["in_pipeline"] == 2 and cover["diffusion"]["hired"] == 1
    assert [e["name"] for e in cover["diffusion"]["not_approached"]] == ["Eve Park", "Ben Kim"]
    floor = "desk,x,y,occupant\nCEO,0,0,CEO\nA,1,0\nB,5,0\n"
    assert c.put("/api/v1/seating/floors/hq", json={"csv": floor}, headers=h).status_code == 200
    seated = c.post("/api/v1/seating/floors/hq/assign", json={}, headers=h).json()
    # both researchers; Ada's expert score (reinforcement learning, 1.31) is above Cleo's (diffusion, 1.24)
    assert [(a["desk"], a["person"], a["priority"]) for a in seated["assignments"]] == [
        ("A", "Ada Lovel", 1), ("B", "Cleo Stone", 2)]
    assert seated["objective"] > 0
    exported = c.get("/api/v1/seating/floors/hq/seats.csv")
    assert exported.headers["content-type"].startswith("text/csv")
    assert exported.text.splitlines()[0].startswith("desk,x,y,person,candidate_id")
    recruiter: Signed = as_role("recruiter")  # type: ignore[operator]
    assert recruiter.client.get("/api/v1/seating").json()["floor"] == "hq"
    assert recruiter.client.post("/api/v1/seating/floors/hq/assign", json={},
                                 headers=recruiter.headers()).status_code == 403


def test_stage_chances_set_and_back_to_the_default(as_role: object) -> None:
    executive: Signed = as_role("executive")  # type: ignore[operator]
    ids = plan_and_people(executive)
    c, h = executive.client, executive.headers()
    before = {s["stage"]: s for s in c.get("/api/v1/team/chances").json()}
    assert (before["identified"]["chance"], before["identified"]["source"]) == (0.05, "default")
    assert before["accepted"]["chance"] == 1.0 and before["declined"]["chance"] == 0.0
    changed = c.put("/api/v1/team/chances/identified", json={"chance": 0.25}, headers=h).json()
    assert (changed["chance"], changed["source"]) == (0.25, "team")
    # every candidate at that stage without a chance of their own now counts at it
    cost = c.get(f"/api/v1/team/costs/{ids['Eve Park']}").json()
    assert (cost["chance"], cost["chance_source"]) == (0.25, "stage")
    bad = c.put("/api/v1/team/chances/identified", json={"chance": 1.5}, headers=h)
    assert bad.status_code == 422 and "chance" in bad.text
    back = c.put("/api/v1/team/chances/identified", json={"chance": None}, headers=h).json()
    assert (back["chance"], back["source"]) == (0.05, "default")
    recruiter: Signed = as_role("recruiter")  # type: ignore[operator]
    assert recruiter.client.put("/api/v1/team/chances/identified", json={"chance": 0.5},
                                headers=recruiter.headers()).status_code == 403
