"""The daily digest over SMTP (a real aiosmtpd server on loopback): opted-in users only, once a day, each alert
once, nothing marked sent when the mail server refuses."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from labscout.config import SmtpSettings
from labscout.pipeline import alerts, db, digest, refresh, watch
from labscout.pipeline.models import utcnow
from labscout.research.build import build_store
from labscout.research.store import ResearchStore
from pipeline.conftest import Team
from smtpserver import SmtpServer

DATA = Path(__file__).parent.parent / "data"


@pytest.fixture()
def smtp() -> Iterator[SmtpServer]:
    with SmtpServer() as server:
        yield server


def with_news(engine: Engine, team: Team, tmp_path: Path) -> None:
    """Two users watch Lucas Beyer; a build with OpenAlex works shows him at OpenAI: an alert each."""
    store_path = tmp_path / "research.duckdb"
    build_store([DATA / "paperlists"], store_path)
    with db.session_scope(engine) as session, ResearchStore(store_path) as store:
        for user in (team.recruiter, team.viewer):
            watch.watch_person(session, user, store, "Lucas Beyer")
        watch.set_daily_digest(session, team.recruiter, True)
    refresh.rebuild_and_check(db.units_of(engine), store_path, [DATA / "paperlists", DATA / "openalex" / "works.jsonl"])


class TestSendDigests:
    def test_opted_in_users_get_their_new_alerts_once_a_day(self, engine: Engine, team: Team, tmp_path: Path,
                                                            smtp: SmtpServer) -> None:
        with_news(engine, team, tmp_path)
        settings = SmtpSettings(host="127.0.0.1", port=smtp.port, sender="alerts@lab.example")
        now = utcnow()
        sent = digest.send_digests(db.units_of(engine), settings, now=now, base_url="https://scout.lab.example")
        assert sent.sent == ["rec@lab.example"] and sent.alerts == 1
        (message,) = smtp.inbox.messages
        assert message["To"] == "Remy Recruiter <rec@lab.example>" and message["Subject"] == "LabScout: 1 new alert"
        body = message.get_content()
        assert "New organisation: Lucas Beyer: OpenAI (2025)" in body and "https://scout.lab.example/people/p" in body
        again = digest.send_digests(db.units_of(engine), settings, now=now + timedelta(hours=2))
        assert again.sent == [] and len(smtp.inbox.messages) == 1
        with db.session_scope(engine) as session:
            assert alerts.not_emailed(session, team.recruiter) == []
            assert len(alerts.not_emailed(session, team.viewer)) == 1  # the viewer did not opt in

    def test_a_refusing_mail_server_leaves_the_alerts_for_next_time(self, engine: Engine, team: Team,
                                                                    tmp_path: Path) -> None:
        with_news(engine, team, tmp_path)
        refused = digest.send_digests(db.units_of(engine), SmtpSettings(host="127.0.0.1", port=9))
        assert refused.sent == [] and "rec@lab.example" in refused.failed[0]
        with db.session_scope(engine) as session:
            assert len(alerts.not_emailed(session, team.recruiter)) == 1

    def test_opting_out(self, engine: Engine, team: Team) -> None:
        with db.session_scope(engine) as session:
            assert watch.daily_digest(session, team.hr) is False
            watch.set_daily_digest(session, team.hr, True)
            assert watch.daily_digest(session, team.hr) is True
            watch.set_daily_digest(session, team.hr, False)
            assert watch.daily_digest(session, team.hr) is False
