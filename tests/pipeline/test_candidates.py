"""Candidates and stages on both backends: creation, filters, stage times, reasons, versions, relinking."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from labscout.errors import ConflictError, ForbiddenError, InvalidError, NotFoundError
from labscout.pipeline import activities, audit, candidates, db, stages
from labscout.pipeline.candidates import CandidateIn
from labscout.pipeline.models import Candidate
from labscout.research import queries
from labscout.research.store import ResearchStore
from pipeline.conftest import Team


def add(engine: Engine, actor: object, name: str = "Ada Researcher", **fields: object) -> candidates.CandidateOut:
    with db.session_scope(engine) as session:
        data = CandidateIn(name=name, target_role=str(fields.pop("target_role", "researcher")), **fields)  # type: ignore[arg-type]
        return candidates.create_candidate(session, actor, data)  # type: ignore[arg-type]


class TestCreate:
    def test_defaults_owner_first_stage_and_audit(self, engine: Engine, team: Team) -> None:
        c = add(engine, team.recruiter, tags=["Vision", "vision", " RL "], person_id="p123", source="search",
                source_detail="query: vision transformers")
        assert (c.stage, c.owner_name, c.tags, c.version, c.priority) == (
            "identified", "Remy Recruiter", ["rl", "vision"], 1, 3)
        with db.session_scope(engine) as session:
            trail = audit.list_entries(session, team.hr, entity="candidate", entity_id=c.id)
            steps = candidates.transitions(session, team.recruiter, c.id)
        assert [e.action for e in trail] == ["create"]
        assert trail[0].after is not None and trail[0].after["name"] == "Ada Researcher"
        assert [(t.from_stage, t.to_stage) for t in steps] == [(None, "identified")]

    def test_same_research_person_twice_is_a_conflict(self, engine: Engine, team: Team) -> None:
        add(engine, team.recruiter, person_id="p1")
        with pytest.raises(ConflictError, match="already candidate"):
            add(engine, team.recruiter, name="Ada again", person_id="p1")

    @pytest.mark.parametrize(("fields", "message"), [
        ({"priority": 9}, "priority"), ({"source": "psychic"}, "unknown source"),
        ({"email": "nope"}, "e-mail"), ({"owner_email": "ghost@lab.example"}, "not a user"),
        ({"target_role": " "}, "target role"),
    ])
    def test_bad_fields_write_nothing(self, engine: Engine, team: Team, fields: dict[str, object],
                                      message: str) -> None:
        with pytest.raises(InvalidError, match=message):
            add(engine, team.recruiter, **fields)
        with db.session_scope(engine) as session:
            assert session.scalar(select(func.count()).select_from(Candidate)) == 0

    def test_viewer_may_not_add(self, engine: Engine, team: Team) -> None:
        with pytest.raises(ForbiddenError):
            add(engine, team.viewer)


class TestList:
    def test_filters(self, engine: Engine, team: Team) -> None:
        a = add(engine, team.recruiter, "Ada", tags=["vision"], priority=1)
        add(engine, team.recruiter, "Bob", target_role="infrastructure engineer", affiliation="Infra Co")
        with db.session_scope(engine) as session:
            candidates.move_stage(session, team.recruiter, a.id, "contacted")
            assert [c.name for c in candidates.list_candidates(session, team.recruiter)] == ["Ada", "Bob"]
            assert [c.name for c in candidates.list_candidates(session, team.recruiter, stage="Contacted")] == ["Ada"]
            assert [c.name for c in candidates.list_candidates(session, team.recruiter,
                                                               role="Infrastructure Engineer")] == ["Bob"]
            assert [c.name for c in candidates.list_candidates(session, team.recruiter, tag="vision")] == ["Ada"]
            assert [c.name for c in candidates.list_candidates(session, team.recruiter, text="infra")] == ["Bob"]
            with pytest.raises(InvalidError, match="unknown stage 'hired'; the stages are: identified"):
                candidates.list_candidates(session, team.recruiter, stage="hired")


    def test_tag_filter_is_applied_before_the_limit(self, engine: Engine, team: Team) -> None:
        # Regression: the tag was filtered in Python after the SQL LIMIT, so a tagged candidate ranked past the
        # limit was never found.
        with db.session_scope(engine) as session:
            for n in range(12):
                candidates.create_candidate(session, team.recruiter, CandidateIn(
                    name=f"Untagged {n}", target_role="researcher", priority=1))
            tagged = candidates.create_candidate(session, team.recruiter, CandidateIn(
                name="Tagged", target_role="researcher", priority=5, tags=["vision", "rl"]))
        with db.session_scope(engine) as session:
            found = candidates.list_candidates(session, team.recruiter, tag="Vision", limit=5)
            assert [c.id for c in found] == [tagged.id]
            assert candidates.list_candidates(session, team.recruiter, tag="visio", limit=5) == []
            paged = candidates.list_candidates(session, team.recruiter, limit=5, offset=10)
            assert [c.name for c in paged] == ["Untagged 1", "Untagged 0", "Tagged"]


class TestAddFromPerson:
    def test_name_and_organisation_come_from_the_store(self, engine: Engine, team: Team, built_store: Path,
                                                       ) -> None:
        with ResearchStore(built_store) as store, db.session_scope(engine) as session:
            made = candidates.add_from_person(session, team.recruiter, store, "Lucas Beyer",
                                              CandidateIn(target_role="researcher", email="lucas@example.org"))
        assert (made.name, made.affiliation, made.source, made.email) == (
            "Lucas Beyer", "Google DeepMind", "search", "lucas@example.org")
        assert made.person_id is not None and made.person_id.startswith("p")

    def test_a_person_already_in_the_pipeline_names_the_candidate(self, engine: Engine, team: Team,
                                                                  built_store: Path) -> None:
        with ResearchStore(built_store) as store:
            with db.session_scope(engine) as session:
                first = candidates.add_from_person(session, team.recruiter, store, "Lucas Beyer",
                                                   CandidateIn(target_role="researcher"))
            with pytest.raises(candidates.AlreadyCandidateError) as again, db.session_scope(engine) as session:
                candidates.add_from_person(session, team.hr, store, first.person_id or "",
                                           CandidateIn(target_role="engineer"))
        assert again.value.existing.id == first.id and again.value.field == "person_id"
        assert f"already candidate {first.id}" in str(again.value)

    def test_an_ambiguous_name_names_the_field(self, engine: Engine, team: Team, built_store: Path) -> None:
        with ResearchStore(built_store) as store, pytest.raises(queries.AmbiguousError) as many, \
                db.session_scope(engine) as session:
            candidates.add_from_person(session, team.recruiter, store, "Yang Liu", CandidateIn(target_role="r"))
        assert many.value.field == "person_id" and len(many.value.candidates) > 1


class TestMoveStage:
    def test_records_time_of_each_transition(self, engine: Engine, team: Team) -> None:
        c = add(engine, team.recruiter)
        when = datetime(2030, 3, 1, 9, 30)
        with db.session_scope(engine) as session:
            moved = candidates.move_stage(session, team.recruiter, c.id, "in_conversation", at=when)
            steps = candidates.transitions(session, team.recruiter, c.id)
            line = activities.timeline(session, team.recruiter, c.id)
        assert (moved.stage, moved.stage_changed_at, moved.version) == ("in conversation", when, 2)
        assert [(t.to_stage, t.at) for t in steps][-1] == ("in conversation", when)
        assert line[-1].kind == "stage" and line[-1].subject == "identified -> in conversation"

    def test_decline_needs_a_reason_and_keeps_it(self, engine: Engine, team: Team) -> None:
        c = add(engine, team.recruiter)
        with pytest.raises(InvalidError, match="needs a reason"), db.session_scope(engine) as session:
            candidates.move_stage(session, team.recruiter, c.id, "declined")
        with db.session_scope(engine) as session:
            moved = candidates.move_stage(session, team.recruiter, c.id, "declined", reason="staying in academia")
        assert moved.decline_reason == "staying in academia"
        with pytest.raises(InvalidError, match="reopening needs a reason"), db.session_scope(engine) as session:
            candidates.move_stage(session, team.recruiter, c.id, "contacted")

    def test_unknown_stage_and_same_stage(self, engine: Engine, team: Team) -> None:
        c = add(engine, team.recruiter)
        with db.session_scope(engine) as session:
            with pytest.raises(InvalidError, match="unknown stage"):
                candidates.move_stage(session, team.recruiter, c.id, "hired")
            with pytest.raises(InvalidError, match="already at stage"):
                candidates.move_stage(session, team.recruiter, c.id, "identified")
            with pytest.raises(NotFoundError):
                candidates.move_stage(session, team.recruiter, 999, "contacted")

    def test_configured_stage_can_be_used(self, engine: Engine, team: Team) -> None:
        c = add(engine, team.recruiter)
        with db.session_scope(engine) as session:
            stages.add_stage(session, team.executive, "Reference Check", after="meeting")
            names = [s.name for s in stages.list_stages(session)]
            candidates.move_stage(session, team.recruiter, c.id, "reference check")
        assert names.index("reference check") == names.index("meeting") + 1 == names.index("offer") - 1
        with pytest.raises(ConflictError, match="1 candidate"), db.session_scope(engine) as session:
            stages.remove_stage(session, team.executive, "reference check")


class TestOptimisticConcurrency:
    def test_stale_version_is_a_conflict_naming_who(self, engine: Engine, team: Team) -> None:
        c = add(engine, team.recruiter)
        with db.session_scope(engine) as session:
            candidates.update_candidate(session, team.hr, c.id, CandidateIn(priority=1), expected_version=1)
        with pytest.raises(ConflictError, match=r"by Hana HR.*version 1"), db.session_scope(engine) as session:
            candidates.update_candidate(session, team.recruiter, c.id, CandidateIn(priority=5), expected_version=1)
        with db.session_scope(engine) as session:
            assert candidates.get_candidate(session, team.recruiter, c.id).priority == 1

    def test_two_open_sessions_cannot_both_write(self, engine: Engine, team: Team) -> None:
        c = add(engine, team.recruiter)
        with pytest.raises(ConflictError, match="changed this record meanwhile"), \
                db.session_scope(engine) as second:
            stale = second.get(Candidate, c.id)  # the second user reads version 1 ...
            assert stale is not None and stale.version == 1
            with db.session_scope(engine) as first:  # ... the first user moves the candidate and commits ...
                candidates.move_stage(first, team.recruiter, c.id, "contacted")
            stale.priority = 2  # ... and the second user's write on version 1 must not overwrite it
        with db.session_scope(engine) as session:
            final = candidates.get_candidate(session, team.recruiter, c.id)
        assert (final.stage, final.priority, final.version) == ("contacted", 3, 2)

    def test_update_records_before_and_after(self, engine: Engine, team: Team) -> None:
        c = add(engine, team.recruiter)
        with db.session_scope(engine) as session:
            candidates.update_candidate(session, team.recruiter, c.id,
                                        CandidateIn(owner_email="hr@lab.example", tags=["founder"]))
            entry = audit.list_entries(session, team.executive, entity="candidate", entity_id=c.id)[0]
        assert entry.action == "update" and "owner_id" in entry.changed and "tags" in entry.changed
        assert entry.before is not None and entry.after is not None
        assert (entry.before["tags"], entry.after["tags"]) == ([], ["founder"])


class TestRelink:
    def test_split_points_to_first_and_says_so_on_the_timeline(self, engine: Engine, team: Team) -> None:
        c = add(engine, team.recruiter, person_id="p-old")
        with db.session_scope(engine) as session:
            moved = candidates.relink_person(session, team.recruiter, "p-old", ["p-a", "p-b"], "identity split")
            line = activities.timeline(session, team.recruiter, c.id)
        assert moved[0].person_id == "p-a"
        assert line[-1].kind == "link" and "p-b" in (line[-1].body or "")
