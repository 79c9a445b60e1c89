"""Dashboard and board summaries computed in the database, on both backends."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine

from labscout.pipeline import candidates, db, overview
from labscout.pipeline.candidates import CandidateIn
from labscout.pipeline.models import utcnow
from pipeline.conftest import Team


def add(engine: Engine, team: Team, name: str, person: str | None = None, stage: str | None = None) -> int:
    with db.session_scope(engine) as session:
        made = candidates.create_candidate(session, team.recruiter, CandidateIn(name=name, target_role="researcher",
                                                                                 person_id=person))
        if stage:
            candidates.move_stage(session, team.recruiter, made.id, stage)
    return made.id


class TestOverview:
    def test_funnel_counts_and_days_per_stage_in_order(self, engine: Engine, team: Team) -> None:
        add(engine, team, "Ada")
        add(engine, team, "Bob", stage="contacted")
        add(engine, team, "Cy", stage="contacted")
        with db.session_scope(engine) as session:
            lines = overview.funnel(session, team.executive, now=utcnow() + timedelta(days=3))
        assert [(line.stage, line.candidates) for line in lines][:3] == [
            ("identified", 1), ("contacted", 2), ("in conversation", 0)]
        assert lines[1].median_days is not None and 2.9 < lines[1].median_days < 3.1
        assert lines[2].median_days is None

    def test_board_keeps_the_first_cards_and_the_column_sizes(self, engine: Engine, team: Team) -> None:
        for n in range(5):
            add(engine, team, f"Person {n}")
        with db.session_scope(engine) as session:
            columns, sizes = overview.board(session, team.recruiter, per_stage=3)
        assert sizes["identified"] == 5 and len(columns["identified"]) == 3
        assert columns["contacted"] == [] and sizes["contacted"] == 0

    def test_which_people_are_candidates(self, engine: Engine, team: Team) -> None:
        made = add(engine, team, "Ada", person="p123")
        with db.session_scope(engine) as session:
            found = overview.candidates_for_people(session, team.recruiter, ["p123", "p999"])
        assert list(found) == ["p123"] and found["p123"].id == made
