"""Seating the team on a floor: head of research nearest leadership, co-authors together, bad floors refused."""

from __future__ import annotations

import csv
import io
from dataclasses import asdict

import pytest
from sqlalchemy import Engine

from labscout.errors import BadInputError, ForbiddenError, InvalidError, NotFoundError
from labscout.pipeline import candidates, db, plan
from labscout.pipeline.candidates import CandidateIn
from labscout.research import queries
from labscout.research.store import ResearchStore
from labscout.talent.index import TalentIndex
from labscout.team import needs, seating
from pipeline.conftest import Team

# The CEO at the origin; desks on a line to the east, one far to the west.
FLOOR = "desk,x,y,occupant\nCEO,0,0,Cee Eo\nE1,1,0\nE2,2,0\nE3,3,0\nE4,4,0\nW9,-9,0\n"
PEOPLE = [("Ada Lovel", "head of research", "accepted"), ("Ben Kim", "researcher", "accepted"),
          ("Cleo Stone", "researcher", "offer"), ("Eve Park", "researcher", "accepted"),
          ("Dan Ray", "researcher", "meeting")]


def seed(engine: Engine, team: Team, store: ResearchStore) -> dict[str, int]:
    ids = {}
    with db.session_scope(engine) as session:
        plan.set_role(session, team.executive, "head of research", slots=1, budget=50_000_000)
        plan.set_role(session, team.executive, "researcher", slots=5, budget=50_000_000)
        needs.set_need(session, team.executive, "graph neural networks", roles={"researcher": 1})
        for name, role, stage in PEOPLE:
            ids[name] = candidates.create_candidate(session, team.recruiter, CandidateIn(
                name=name, target_role=role, person_id=queries.resolve_person(store, name)), stage=stage).id
    return ids


def seat(engine: Engine, team: Team, store: ResearchStore, ti: TalentIndex, text: str = FLOOR,
         **options: float) -> seating.SeatingOut:
    with db.session_scope(engine) as session:
        return seating.seat_floor(session, team.executive, store, ti, "hq", csv_text=text, file="hq.csv",
                                  **options)  # type: ignore[arg-type]


def test_priority_near_leadership_and_co_authors_together(engine: Engine, team: Team, store: ResearchStore,
                                                          talent_index: TalentIndex) -> None:
    seed(engine, team, store)
    found = seat(engine, team, store, talent_index, tolerance=1.0)
    by_person = {a.person: a for a in found.assignments}
    assert set(by_person) == {"Ada Lovel", "Ben Kim", "Cleo Stone", "Eve Park"}  # Dan is not at the offer stage
    assert by_person["Ada Lovel"].desk == "E1" and by_person["Ada Lovel"].priority == 1
    # Ben has the researchers' best expert score (graph neural networks): first after the head of research
    assert by_person["Ben Kim"].priority == 2
    # Cleo and Eve wrote three papers together: side by side
    assert abs(int(by_person["Cleo Stone"].desk[1]) - int(by_person["Eve Park"].desk[1])) == 1
    assert "W9" not in {a.desk for a in found.assignments}
    assert found.priority_optimum is not None and found.priority_cost is not None
    assert found.priority_optimum <= found.priority_cost <= 2 * found.priority_optimum + 1e-9
    assert found.method is not None and "assignment problem" in found.method
    data = asdict(found)
    assert {"desk", "person", "distance"} <= set(data["assignments"][0]) and data["objective"] > 0
    assert next(d for d in found.desks if d.desk == "CEO").leadership
    rows = list(csv.DictReader(io.StringIO(seating.seating_csv(found))))
    assert [r["desk"] for r in rows] == ["CEO", "E1", "E2", "E3", "E4", "W9"]
    assert rows[1]["person"] == "Ada Lovel" and rows[1]["distance_to_leadership"] == "1.0"
    with db.session_scope(engine) as session:
        again = seating.get_seating(session, team.recruiter)
        listed = seating.list_floors(session, team.hr)
    assert again.assignments == found.assignments and again.problems == []
    assert [(f.name, f.desks, f.seated) for f in listed] == [("hq", 6, 4)]


def test_a_pinned_person_and_a_stale_seat(engine: Engine, team: Team, store: ResearchStore,
                                          talent_index: TalentIndex) -> None:
    ids = seed(engine, team, store)
    found = seat(engine, team, store, talent_index, FLOOR + f"P1,0,5,#{ids['Eve Park']}\n")
    assert next(a for a in found.assignments if a.person == "Eve Park").desk == "P1"
    with db.session_scope(engine) as session:
        candidates.move_stage(session, team.executive, ids["Cleo Stone"], "meeting")
        stale = seating.get_seating(session, team.executive, "hq")
    assert any("Cleo Stone" in p and "no longer hired or at the offer stage" in p for p in stale.problems)


def test_more_people_than_desks_seats_the_first_by_priority(engine: Engine, team: Team, store: ResearchStore,
                                                            talent_index: TalentIndex) -> None:
    seed(engine, team, store)
    found = seat(engine, team, store, talent_index, "desk,x,y,occupant\nCEO,0,0,CEO\nA,1,0\nB,2,0\n")
    assert [a.person for a in found.assignments] == ["Ada Lovel", "Ben Kim"]
    assert found.problems == ["desks: 4 people to seat and 2 desks for them; the 2 first by priority are seated, "
                              "2 are not"]
    assert len(found.unseated) == 2


def test_bad_floors_and_rights(engine: Engine, team: Team, store: ResearchStore,
                               talent_index: TalentIndex) -> None:
    seed(engine, team, store)
    with pytest.raises(BadInputError, match="desk 'E1' appears twice"):
        seat(engine, team, store, talent_index, FLOOR + "E1,7,7\n")
    with pytest.raises(InvalidError, match="occupant: the floor has no leadership desk"):
        seat(engine, team, store, talent_index, "desk,x,y\nA,1,0\nB,2,0\n")
    with db.session_scope(engine) as session:
        with pytest.raises(NotFoundError, match="no floor plan yet"):
            seating.get_seating(session, team.executive)
        with pytest.raises(ForbiddenError):
            seating.seat_floor(session, team.hr, store, talent_index, "hq", csv_text=FLOOR, file="hq.csv")
        with pytest.raises(ForbiddenError):
            seating.get_seating(session, team.viewer)
