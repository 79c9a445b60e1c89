"""Kill -9 a process in the middle of a multi-row change: after restart nothing of it is there, and work goes on."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, event, func, select

from labscout.errors import ConflictError
from labscout.pipeline import candidates, csvio, db, offers
from labscout.pipeline.models import Activity, AuditEntry, Candidate, StageTransition
from pipeline.conftest import Team

# Imports 1,000 candidates (each: a candidate, a transition, a timeline entry, an audit row), flushes them all to
# the database inside the one transaction, says so, and waits to be killed before it can commit.
CHILD = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from labscout.pipeline import csvio, db, users
    from sqlalchemy import event
    engine = db.make_engine(sys.argv[1])
    if sys.argv[1].startswith("sqlite"):
        # a tiny page cache makes SQLite spill the uncommitted pages into its WAL file before the commit
        event.listen(engine, "connect", lambda con, _: con.execute("PRAGMA cache_size=8"))
    with db.session_scope(engine) as session:
        actor = users.actor_for_email(session, "rec@lab.example")
        ids = csvio.import_candidates(session, actor, Path(sys.argv[2]))
        session.flush()
        print(f"flushed {len(ids)}", flush=True)
        time.sleep(300)
""")


def rows(engine: Engine) -> dict[str, int]:
    with db.session_scope(engine) as session:
        return {m.__tablename__: session.scalar(select(func.count()).select_from(m)) or 0
                for m in (Candidate, StageTransition, Activity, AuditEntry)}


def test_killed_import_leaves_nothing_half_applied(engine: Engine, team: Team, tmp_path: Path) -> None:
    path = tmp_path / "many.csv"
    path.write_text("name,target_role,tags\n" + "".join(f"Person {i},researcher,t{i % 7}\n" for i in range(1000)))
    before = rows(engine)
    url = engine.url.render_as_string(hide_password=False)
    child = subprocess.Popen([sys.executable, "-c", CHILD, url, str(path)], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        line = child.stdout.readline()
        assert line.strip() == "flushed 1000", line
        if engine.dialect.name == "sqlite":  # the half-done change is on disk, not only in the writer's memory
            database = engine.url.database
            assert database is not None
            assert Path(database + "-wal").stat().st_size > 100_000
        # the rows are in the database's transaction now; kill the writer before it commits
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(timeout=30) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
    engine.dispose()  # a fresh connection, as after a restart
    assert rows(engine) == before
    # the database is usable and whole: the same import now commits completely
    with db.session_scope(engine) as session:
        assert len(csvio.import_candidates(session, team.recruiter, path)) == 1000
    after = rows(engine)
    assert after["candidates"] == 1000 and after["stage_transitions"] == 1000
    assert after["audit_log"] == before["audit_log"] + 1000


def test_failure_in_the_middle_of_an_offer_acceptance_rolls_it_all_back(engine: Engine, team: Team,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    # Accepting changes the offer, the candidate's stage, a transition, timeline entries and audit rows: an error
    # after the first of them must leave every one as it was.
    with db.session_scope(engine) as session:
        c = candidates.create_candidate(session, team.recruiter, candidates.CandidateIn(name="A", target_role="r"))
        o = offers.create_offer(session, team.hr, c.id, offers.OfferIn(
            base=100_000, start_date=date.today() + timedelta(days=30), expires_on=date.today() + timedelta(days=5)))
        for step in (offers.submit_offer, offers.approve_offer, offers.send_offer):
            step(session, team.executive, o.id)
    before = rows(engine)

    class Boom(Exception):
        pass

    original = candidates.move_stage

    def failing_move(*args: object, **kwargs: object) -> object:
        original(*args, **kwargs)  # type: ignore[arg-type]
        raise Boom

    monkeypatch.setattr(candidates, "move_stage", failing_move)
    with pytest.raises(Boom), db.session_scope(engine) as session:
        offers.accept_offer(session, team.hr, o.id)
    monkeypatch.undo()
    assert rows(engine) == before
    with db.session_scope(engine) as session:
        assert offers.get_offer(session, team.hr, o.id).status == "sent"
        assert candidates.get_candidate(session, team.hr, c.id).stage == "offer"


def test_lock_wait_beyond_the_limit_is_a_conflict_not_a_hang(engine: Engine, team: Team, backend: str) -> None:
    with db.session_scope(engine) as session:
        cid = candidates.create_candidate(session, team.recruiter, candidates.CandidateIn(name="A", target_role="r")).id
    url = engine.url.render_as_string(hide_password=False)
    if backend == "postgresql":
        impatient = db.make_engine(url, connect_args={"options": "-c lock_timeout=300"})
        hold = "SELECT 1 FROM candidates WHERE id = %(id)s FOR UPDATE"
    else:
        impatient = db.make_engine(url)
        # after make_engine's own pragmas: wait 0.3 s for SQLite's write lock instead of 30 s
        event.listen(impatient, "connect", lambda con, _: con.execute("PRAGMA busy_timeout=300"))
        hold = "UPDATE candidates SET priority = priority WHERE id = :id"
    try:
        with engine.connect() as holder:
            holder.exec_driver_sql(hold, {"id": cid})
            with pytest.raises(ConflictError, match="busy with a colliding change"), \
                    db.session_scope(impatient) as session:
                candidates.move_stage(session, team.recruiter, cid, "contacted")
            holder.rollback()
    finally:
        impatient.dispose()
    with db.session_scope(engine) as session:
        assert candidates.get_candidate(session, team.recruiter, cid).stage == "identified"
