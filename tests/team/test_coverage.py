"""Topic coverage: the share of a topic's top experts in the pipeline, by stage and owner, and who is left."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from labscout.errors import ForbiddenError, InvalidError
from labscout.pipeline import candidates, db, plan
from labscout.pipeline.candidates import CandidateIn
from labscout.research import queries
from labscout.research.store import ResearchStore
from labscout.talent.index import TalentIndex
from labscout.team import coverage, needs
from pipeline.conftest import Team


def test_share_by_stage_and_owner_and_the_best_not_approached(engine: Engine, team: Team, store: ResearchStore,
                                                              talent_index: TalentIndex) -> None:
    with db.session_scope(engine) as session:
        plan.set_role(session, team.executive, "researcher", slots=3, budget=10)
        needs.set_need(session, team.executive, "reinforcement learning", roles={"researcher": 1}, min_people=2)
        needs.set_need(session, team.executive, "the of and", roles={"researcher": 1})
        for name, stage, owner in (("Ada Lovel", "accepted", "rec@lab.example"),
                                   ("Finn Cho", "identified", "hr@lab.example")):
            candidates.create_candidate(session, team.recruiter, CandidateIn(
                name=name, target_role="researcher", person_id=queries.resolve_person(store, name),
                owner_email=owner), stage=stage)
        found = coverage.topic_coverage(session, team.recruiter, store, talent_index, top=3)
        with pytest.raises(ForbiddenError):
            coverage.topic_coverage(session, team.viewer, store, talent_index)
        with pytest.raises(InvalidError, match="top: from 1 to 1000"):
            coverage.topic_coverage(session, team.recruiter, store, talent_index, top=0)
    rl, common = found
    # reinforcement learning: Ada, Finn, Dan (3 experts); Ada hired, Finn identified, Dan not a candidate
    assert (rl.topic, rl.top, rl.experts, rl.in_pipeline, rl.share, rl.hired) == (
        "reinforcement learning", 3, 3, 2, round(2 / 3, 4), 1)
    assert rl.by_stage == {"identified": 1, "accepted": 1}
    assert rl.by_owner == {"Remy Recruiter": 1, "Hana HR": 1}
    assert [(e.name, e.candidate_id is not None, e.stage) for e in rl.not_approached] == [
        ("Finn Cho", True, "identified"), ("Dan Ray", False, None)]
    assert common.experts == 0 and common.error is not None and "common words" in common.error
