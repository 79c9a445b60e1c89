"""Outreach: templates checked when saved, drafts never sent, a refused message is not logged as sent."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from labscout.config import SmtpSettings
from labscout.errors import ConflictError, ForbiddenError, InvalidError
from labscout.pipeline import activities, candidates, db, outreach
from labscout.pipeline.candidates import CandidateIn
from labscout.research import queries
from labscout.research.store import ResearchStore
from pipeline.conftest import Team
from smtpserver import SmtpServer


@pytest.fixture()
def smtp() -> Iterator[SmtpServer]:
    with SmtpServer() as server:
        yield server


@pytest.fixture()
def store(built_store: Path) -> Iterator[ResearchStore]:
    with ResearchStore(built_store) as opened:
        yield opened


def add(engine: Engine, team: Team, **fields: str) -> int:
    with db.session_scope(engine) as session:
        return candidates.create_candidate(session, team.recruiter, CandidateIn(
            name=fields.get("name", "Ada"), target_role="researcher", email=fields.get("email", "ada@example.org"),
            person_id=fields.get("person_id"))).id


class TestTemplates:
    def test_unknown_variable_is_refused_when_saved(self, engine: Engine, team: Team) -> None:
        with pytest.raises(InvalidError, match=r"template subject: .* has no attribute 'nmae'"), \
                db.session_scope(engine) as session:
            outreach.save_template(session, team.recruiter, name="bad", subject="Hi {{ candidate.nmae }}",
                                   body="x")

    def test_sandbox_refuses_python_internals(self, engine: Engine, team: Team) -> None:
        with pytest.raises(InvalidError), db.session_scope(engine) as session:
            outreach.save_template(session, team.recruiter, name="evil", subject="x",
                                   body="{{ candidate.__class__.__mro__[1].__subclasses__() }}")

    def test_viewer_may_not_compose(self, engine: Engine, team: Team) -> None:
        cid = add(engine, team)
        with pytest.raises(ForbiddenError), db.session_scope(engine) as session:
            outreach.compose(session, team.viewer, cid, "intro")


class TestCompose:
    def test_cites_top_papers_with_evidence(self, engine: Engine, team: Team, store: ResearchStore) -> None:
        person = queries.resolve_person(store, "Lucas Beyer")
        cid = add(engine, team, name="Lucas Beyer", person_id=person)
        with db.session_scope(engine) as session:
            draft = outreach.compose(session, team.recruiter, cid, "intro", store=store)
        # orals first, newest first: the NeurIPS 2023 oral leads
        assert draft.subject == "Lucas, your work on Image Captioners Are Scalable Vision Learners Too"
        assert "(NeurIPS 2023)" in draft.body and len(draft.evidence["papers"]) == 3
        assert draft.evidence["shared_coauthors"] == []  # the recruiter has no research person

    def test_hand_entered_candidate_gets_a_plain_message(self, engine: Engine, team: Team) -> None:
        cid = add(engine, team, name="Grace Founder")
        with db.session_scope(engine) as session:
            draft = outreach.compose(session, team.recruiter, cid, "intro")
        assert draft.subject == "Grace, your work on AI research" and "reading your work" not in draft.body


class TestSend:
    def test_sent_message_is_on_the_timeline(self, engine: Engine, team: Team, smtp: SmtpServer) -> None:
        cid = add(engine, team)
        settings = SmtpSettings(host="127.0.0.1", port=smtp.port, sender="talent@lab.example")
        with db.session_scope(engine) as session:
            outreach.send_email(session, team.recruiter, cid, subject="Hello", body="Shall we talk?", smtp=settings)
        with db.session_scope(engine) as session:
            line = activities.timeline(session, team.recruiter, cid, kinds=("email",))
            stage = candidates.get_candidate(session, team.recruiter, cid).stage
        assert [m["Subject"] for m in smtp.inbox.messages] == ["Hello"]
        assert line[0].meta["message_id"] == smtp.inbox.messages[0]["Message-ID"]
        assert stage == "contacted"

    def test_refused_message_leaves_no_trace(self, engine: Engine, team: Team) -> None:
        cid = add(engine, team)
        closed = SmtpServer()  # never started: the port refuses connections
        settings = SmtpSettings(host="127.0.0.1", port=closed.port, sender="talent@lab.example")
        with pytest.raises(ConflictError, match="did not take the message"), db.session_scope(engine) as session:
            outreach.send_email(session, team.recruiter, cid, subject="Hello", body="Shall we talk?", smtp=settings)
        with db.session_scope(engine) as session:
            assert activities.timeline(session, team.recruiter, cid, kinds=("email",)) == []
            assert candidates.get_candidate(session, team.recruiter, cid).stage == "identified"

    def test_no_address_no_send(self, engine: Engine, team: Team, smtp: SmtpServer) -> None:
        cid = add(engine, team, email="")
        settings = SmtpSettings(host="127.0.0.1", port=smtp.port)
        with pytest.raises(InvalidError, match="no e-mail address"), db.session_scope(engine) as session:
            outreach.send_email(session, team.recruiter, cid, subject="Hello", body="x", smtp=settings)
        assert smtp.inbox.messages == []
