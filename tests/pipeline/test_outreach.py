"""Outreach: templates checked when saved, drafts never sent, a refused message is not logged as sent."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from sqlalchemy import Engine

from labscout.config import SmtpSettings
from labscout.errors import ConflictError, ForbiddenError, InvalidError
from labscout.pipeline import activities, candidates, db, outreach, stages
from labscout.pipeline.candidates import CandidateIn
from labscout.pipeline.models import User
from labscout.research import queries
from labscout.research.build import build_store
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
        assert (draft.papers[0].venue, draft.papers[0].year) == ("NeurIPS", 2023)
        assert draft.evidence["shared_coauthors"] == [] and draft.intro_path == []  # nobody on the team has a person
        assert (draft.to, draft.moves_to) == ("ada@example.org", "contacted")

    def test_hand_entered_candidate_gets_a_plain_message(self, engine: Engine, team: Team) -> None:
        cid = add(engine, team, name="Grace Founder")
        with db.session_scope(engine) as session:
            draft = outreach.compose(session, team.recruiter, cid, "intro")
        assert draft.subject == "Grace, your work on AI research" and "reading your work" not in draft.body

    def test_shared_coauthors_and_the_introduction_path_from_our_people(self, engine: Engine, team: Team,
                                                                        world: Path) -> None:
        with ResearchStore(world) as found:
            ada, ben = queries.resolve_person(found, "Ada Lovel"), queries.resolve_person(found, "Ben Kim")
            cid = add(engine, team, name="Ada Lovel", person_id=ada)
            with db.session_scope(engine) as session:
                session.get(User, team.hr.user_id).person_id = ben  # type: ignore[union-attr]
            with db.session_scope(engine) as session:
                draft = outreach.compose(session, team.recruiter, cid, "intro", store=found)
        assert draft.shared_coauthors == ["Dan Ray"] and draft.intro_path == ["Ben Kim", "Dan Ray", "Ada Lovel"]
        assert "Dan Ray" in draft.body and draft.evidence["intro_path"][0] == ben

    def test_titles_read_as_text(self, engine: Engine, team: Team, tmp_path: Path) -> None:
        # The letter once read "your work on $\pi_{0.5}$: a Vision-Language...": titles are text now.
        folder = tmp_path / "sources" / "iclr"
        folder.mkdir(parents=True)
        (folder / "iclr2025.json").write_text(orjson.dumps([{
            "id": "x1", "title": r"$\pi_{0.5}$: a Vision-Language-Action Model", "track": "main", "status": "Oral",
            "author": "Sergey Levine", "authorids": "~Sergey_Levine1", "aff": "UC Berkeley",
            "aff_domain": "berkeley.edu"}]).decode())
        build_store([folder.parent], tmp_path / "research.duckdb")
        with ResearchStore(tmp_path / "research.duckdb") as found:
            cid = add(engine, team, name="Sergey Levine", person_id=queries.resolve_person(found, "Sergey Levine"))
            with db.session_scope(engine) as session:
                draft = outreach.compose(session, team.recruiter, cid, "intro", store=found)
        assert draft.subject == "Sergey, your work on π0.5: a Vision-Language-Action Model"
        assert "$" not in draft.body and draft.papers[0].title == "π0.5: a Vision-Language-Action Model"


def smtp_at(server: SmtpServer) -> SmtpSettings:
    return SmtpSettings(host="127.0.0.1", port=server.port, sender="talent@lab.example")


class Stop(BaseException):
    """The process stopping here: nothing after it runs."""


class TestSend:
    def test_sent_message_is_on_the_timeline(self, engine: Engine, team: Team, smtp: SmtpServer) -> None:
        cid = add(engine, team)
        sent = outreach.send_email(db.units_of(engine), team.recruiter, cid, subject="Hello", body="Shall we talk?",
                                   smtp=smtp_at(smtp))
        with db.session_scope(engine) as session:
            line = activities.timeline(session, team.recruiter, cid, kinds=("email",))
            stage = candidates.get_candidate(session, team.recruiter, cid).stage
        assert [m["Subject"] for m in smtp.inbox.messages] == ["Hello"]
        assert line[0].meta["message_id"] == smtp.inbox.messages[0]["Message-ID"] == sent.meta["message_id"]
        assert line[0].meta["delivery"] == sent.meta["delivery"] == "sent"
        assert stage == "contacted"

    def test_refused_message_is_logged_as_failed_and_moves_nobody(self, engine: Engine, team: Team) -> None:
        cid = add(engine, team)
        closed = SmtpServer()  # never started: the port refuses connections
        with pytest.raises(ConflictError, match="did not take the message"):
            outreach.send_email(db.units_of(engine), team.recruiter, cid, subject="Hello", body="Shall we talk?",
                                smtp=smtp_at(closed))
        with db.session_scope(engine) as session:
            (line,) = activities.timeline(session, team.recruiter, cid, kinds=("email",))
            assert line.meta["delivery"] == "failed" and "did not take the message" in line.meta["error"]
            assert candidates.get_candidate(session, team.recruiter, cid).stage == "identified"

    def test_a_message_the_server_took_is_logged_though_the_last_commit_fails(
            self, engine: Engine, team: Team, smtp: SmtpServer, monkeypatch: pytest.MonkeyPatch) -> None:
        # Regression: the e-mail was logged in the one transaction committed after SMTP accepted it, so a failed
        # commit left a message sent and recorded nowhere. Now it is committed as "sending" first.
        cid = add(engine, team)

        def stop(*_: object, **__: object) -> None:
            raise Stop
        monkeypatch.setattr(outreach, "_mark", stop)
        with pytest.raises(Stop):
            outreach.send_email(db.units_of(engine), team.recruiter, cid, subject="Hello", body="x",
                                smtp=smtp_at(smtp))
        assert len(smtp.inbox.messages) == 1
        with db.session_scope(engine) as session:
            (line,) = activities.timeline(session, team.recruiter, cid, kinds=("email",))
        assert line.meta["delivery"] == "sending" and line.meta["message_id"] == smtp.inbox.messages[0]["Message-ID"]

    def test_the_first_email_moves_to_the_configured_stage_or_nowhere(self, engine: Engine, team: Team,
                                                                      smtp: SmtpServer) -> None:
        # Regression: the stage was hard-coded as "contacted"; a team without that stage could send no first e-mail.
        first, second, third = add(engine, team), add(engine, team, name="Bo"), add(engine, team, name="Cy")
        with db.session_scope(engine) as session:
            stages.add_stage(session, team.executive, "reached out", after="identified")
            stages.remove_stage(session, team.executive, "contacted")
            assert stages.outreach_stage(session) is None  # the default stage is gone
            assert stages.set_outreach_stage(session, team.executive, "Reached out") == "reached out"
        outreach.send_email(db.units_of(engine), team.recruiter, first, subject="Hi", body="x", smtp=smtp_at(smtp))
        with db.session_scope(engine) as session:
            assert candidates.get_candidate(session, team.recruiter, first).stage == "reached out"
            stages.set_outreach_stage(session, team.executive, "none")
        outreach.send_email(db.units_of(engine), team.recruiter, second, subject="Hi", body="x", smtp=smtp_at(smtp))
        with db.session_scope(engine) as session:
            assert candidates.get_candidate(session, team.recruiter, second).stage == "identified"
            stages.set_outreach_stage(session, team.executive, "reached out")
            candidates.move_stage(session, team.recruiter, first, "identified", reason="back")
            stages.remove_stage(session, team.executive, "reached out")  # nobody is there now
        # The configured stage is gone: the e-mail goes out and the candidate stays where they are.
        outreach.send_email(db.units_of(engine), team.recruiter, third, subject="Hi", body="x", smtp=smtp_at(smtp))
        with db.session_scope(engine) as session:
            assert candidates.get_candidate(session, team.recruiter, third).stage == "identified"
            with pytest.raises(InvalidError, match="open stage"):
                stages.set_outreach_stage(session, team.executive, "declined")
        assert len(smtp.inbox.messages) == 3

    def test_no_address_no_send(self, engine: Engine, team: Team, smtp: SmtpServer) -> None:
        cid = add(engine, team, email="")
        with pytest.raises(InvalidError, match="no e-mail address") as refused:
            outreach.send_email(db.units_of(engine), team.recruiter, cid, subject="Hello", body="x",
                                smtp=smtp_at(smtp))
        assert smtp.inbox.messages == [] and refused.value.field == "to"
