"""Several writers moving the same candidates at once: every move recorded exactly once, in order, none lost."""

from __future__ import annotations

import threading

from sqlalchemy import Engine, select

from labscout.errors import ConflictError
from labscout.pipeline import candidates, db
from labscout.pipeline.candidates import CandidateIn
from labscout.pipeline.models import Candidate, StageTransition
from pipeline.conftest import Team

OPEN = ["identified", "contacted", "in conversation", "meeting", "offer"]


def test_four_writers_on_the_same_candidates(engine: Engine, team: Team) -> None:
    with db.session_scope(engine) as session:
        ids = [candidates.create_candidate(session, team.recruiter, CandidateIn(name=f"C{i}", target_role="r")).id
               for i in range(12)]
    made: list[int] = []
    refused: list[int] = []
    failures: list[BaseException] = []

    def writer(seed: int) -> None:
        order = ids[seed:] + ids[:seed]
        try:
            while True:
                moved_any = False
                for cid in order:
                    with db.session_scope(engine) as session:
                        row = session.get(Candidate, cid)
                        assert row is not None
                        stage, version = row.stage, row.version
                    if stage == OPEN[-1]:
                        continue
                    moved_any = True
                    try:
                        with db.session_scope(engine) as session:
                            candidates.move_stage(session, team.recruiter, cid, OPEN[OPEN.index(stage) + 1],
                                                  expected_version=version)
                        made.append(cid)
                    except ConflictError:
                        refused.append(cid)
                if not moved_any:
                    return
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=writer, args=(k * 3,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a writer hung"
    assert failures == []
    assert len(made) == len(ids) * (len(OPEN) - 1)  # each move succeeded exactly once
    with db.session_scope(engine) as session:
        for cid in ids:
            chain = [(t.from_stage, t.to_stage) for t in session.scalars(
                select(StageTransition).where(StageTransition.candidate_id == cid).order_by(StageTransition.id))]
            assert chain == list(zip([None, *OPEN[:-1]], OPEN, strict=True))
            row = session.get(Candidate, cid)
            assert row is not None and (row.stage, row.version) == (OPEN[-1], len(OPEN))
