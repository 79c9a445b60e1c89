"""Export of everything about a person, and erasure that leaves only the fact that it happened."""

from __future__ import annotations

from datetime import date, timedelta

import orjson
import pytest
from sqlalchemy import Engine, select

from labscout.errors import ForbiddenError, NotFoundError
from labscout.pipeline import activities, audit, candidates, db, offers, plan, privacy
from labscout.pipeline.candidates import CandidateIn
from labscout.pipeline.models import Activity, AuditEntry, Candidate
from labscout.pipeline.offers import OfferIn
from pipeline.conftest import Team


def populated(engine: Engine, team: Team) -> int:
    with db.session_scope(engine) as session:
        c = candidates.create_candidate(session, team.recruiter, CandidateIn(
            name="Ada Secret", target_role="researcher", email="ada.secret@example.org", person_id="p-ada",
            notes="prefers Zurich"))
        activities.log_activity(session, team.recruiter, c.id, "call", subject="first call",
                                body="Ada mentioned her partner works at ETH")
        activities.comment(session, team.recruiter, c.id, "@hr@lab.example Ada Secret wants to relocate")
        o = offers.create_offer(session, team.hr, c.id, OfferIn(
            base=300_000, start_date=date.today() + timedelta(days=40),
            expires_on=date.today() + timedelta(days=10), notes="Ada asked for more equity"))
        for step in (offers.submit_offer, offers.approve_offer, offers.send_offer):
            step(session, team.executive, o.id)
        offers.accept_offer(session, team.hr, o.id)
        return c.id


class TestExport:
    def test_everything_about_the_person(self, engine: Engine, team: Team) -> None:
        cid = populated(engine, team)
        with db.session_scope(engine) as session:
            data = privacy.export_person(session, team.hr, cid)
        assert data["candidate"]["email"] == "ada.secret@example.org"
        assert {e["kind"] for e in data["timeline"]} >= {"call", "comment", "offer", "stage"}
        assert data["offers"][0]["notes"] == "Ada asked for more equity"
        assert [t["to_stage"] for t in data["stage_transitions"]][-1] == "accepted"
        assert any(e["action"] == "create" and e["entity"] == "candidate" for e in data["audit"])
        assert orjson.loads(orjson.dumps(data)) == data  # plain JSON

    def test_recruiter_may_not_export(self, engine: Engine, team: Team) -> None:
        cid = populated(engine, team)
        with pytest.raises(ForbiddenError), db.session_scope(engine) as session:
            privacy.export_person(session, team.recruiter, cid)


class TestErase:
    def test_personal_data_gone_figures_and_fact_of_erasure_kept(self, engine: Engine, team: Team) -> None:
        cid = populated(engine, team)
        with db.session_scope(engine) as session:
            committed = plan.plan_summary(session, team.executive).committed
            privacy.erase_person(session, team.hr, cid, "request by the person")
        with db.session_scope(engine) as session:
            row = session.get(Candidate, cid)
            assert row is not None and row.erased_at is not None
            everything = orjson.dumps([audit.snapshot(e) for e in session.scalars(select(AuditEntry))]).decode()
            everything += orjson.dumps(audit.snapshot(row)).decode()
            assert session.scalars(select(Activity).where(Activity.candidate_id == cid)).all() == []
            for secret in ("Ada", "ada.secret", "p-ada", "Zurich", "ETH", "more equity"):
                assert secret not in everything, secret
            trail = audit.list_entries(session, team.executive, entity="candidate", entity_id=cid)
            assert trail[0].action == "erase" and trail[0].actor_name == "Hana HR"
            assert plan.plan_summary(session, team.executive).committed == committed
            with pytest.raises(NotFoundError):
                candidates.get_candidate(session, team.recruiter, cid)

    def test_unknown_person_is_not_found_and_nothing_changes(self, engine: Engine, team: Team) -> None:
        with pytest.raises(NotFoundError, match="no candidate with id 404"), db.session_scope(engine) as session:
            privacy.erase_person(session, team.hr, 404, "request")
        with db.session_scope(engine) as session:
            assert audit.list_entries(session, team.hr, entity="candidate") == []
