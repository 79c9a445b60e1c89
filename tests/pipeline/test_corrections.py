"""Identity corrections as user data, on both backends: applied at once, kept by rebuilds, candidates follow."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from tests.research.test_build import built_by_an_older_version

from labscout.errors import ConflictError, ForbiddenError, InvalidError
from labscout.pipeline import activities, candidates, corrections, db
from labscout.pipeline.candidates import CandidateIn
from labscout.pipeline.identity_models import IdentityCorrection
from labscout.research.store import ResearchStore
from pipeline.conftest import Team

DATA = Path(__file__).parent.parent / "data" / "paperlists"
TSINGHUA_PAPER = "iclr2021-c98932a01ec27f13"
ALIBABA_PAPER = "iclr2021-a38a4a15fe7231c4"


@pytest.fixture()
def store(tmp_path: Path, built_store: Path) -> Path:
    dest = tmp_path / "research.duckdb"
    shutil.copyfile(built_store, dest)
    return dest


def person_on(store: Path, paper: str, name: str = "Yang Liu") -> str:
    with ResearchStore(store) as s:
        row = s.one("SELECT person_id FROM authorships WHERE paper_id = ? AND raw_name = ?", [paper, name])
    assert row is not None
    return str(row["person_id"])


def yang_liu_people(store: Path) -> int:
    with ResearchStore(store) as s:
        row = s.one("SELECT count(DISTINCT person_id) AS n FROM authorships WHERE raw_name = 'Yang Liu'")
    assert row is not None
    return int(row["n"])


def add_candidate(engine: Engine, team: Team, person_id: str) -> int:
    with db.session_scope(engine) as session:
        made = candidates.create_candidate(session, team.recruiter, CandidateIn(
            name="Yang Liu", target_role="researcher", person_id=person_id))
    return made.id


class TestCorrections:
    def test_merge_split_back_and_a_rebuild_keep_the_candidate_with_their_person(
            self, engine: Engine, team: Team, store: Path) -> None:
        tsinghua, alibaba = person_on(store, TSINGHUA_PAPER), person_on(store, ALIBABA_PAPER)
        candidate = add_candidate(engine, team, tsinghua)
        merged = corrections.merge_people(db.units_of(engine), team.recruiter, store, alibaba, tsinghua,
                                          reason="same person, moved from Alibaba to Tsinghua")
        assert merged.note.startswith("applied")
        assert yang_liu_people(store) == 2
        assert person_on(store, TSINGHUA_PAPER) == person_on(store, ALIBABA_PAPER)
        split = corrections.split_person(db.units_of(engine), team.hr, store, person_on(store, TSINGHUA_PAPER),
                                         papers=[TSINGHUA_PAPER], reason="two people after all")
        assert yang_liu_people(store) == 3
        with db.session_scope(engine) as session:
            assert candidates.get_candidate(session, team.recruiter, candidate).person_id == person_on(
                store, TSINGHUA_PAPER)
        rebuilt = corrections.rebuild_research_store(db.units_of(engine), store, [DATA])
        assert rebuilt.summary.corrections == 2 and rebuilt.summary.stale_corrections == []
        assert yang_liu_people(store) == 3
        with db.session_scope(engine) as session:
            assert candidates.get_candidate(session, team.recruiter, candidate).person_id == person_on(
                store, TSINGHUA_PAPER)
            listed = corrections.list_corrections(session, team.recruiter)
        assert [(c.id, c.kind, c.created_by, c.status) for c in listed] == [
            (split.id, "person_split", "Hana HR", "active"), (merged.id, "person_merge", "Remy Recruiter", "active")]

    def test_a_relinked_candidate_shows_it_on_the_timeline(self, engine: Engine, team: Team, store: Path) -> None:
        tsinghua, alibaba = person_on(store, TSINGHUA_PAPER), person_on(store, ALIBABA_PAPER)
        candidate = add_candidate(engine, team, tsinghua)
        done = corrections.merge_people(db.units_of(engine), team.recruiter, store, alibaba, tsinghua)
        kept = person_on(store, TSINGHUA_PAPER)
        if kept == tsinghua:  # the candidate's own id survived the merge: nothing to re-link
            assert done.relinked == []
            return
        assert [(r.candidate_id, r.old_person_id, r.new_person_id) for r in done.relinked] == [
            (candidate, tsinghua, kept)]
        with db.session_scope(engine) as session:
            links = activities.timeline(session, team.recruiter, candidate, kinds=("link",))
        assert len(links) == 1 and kept in (links[0].subject or "")

    def test_revert_undoes_at_once_and_twice_is_a_conflict(self, engine: Engine, team: Team, store: Path) -> None:
        tsinghua, alibaba = person_on(store, TSINGHUA_PAPER), person_on(store, ALIBABA_PAPER)
        done = corrections.merge_people(db.units_of(engine), team.recruiter, store, alibaba, tsinghua)
        reverted = corrections.revert_correction(db.units_of(engine), team.recruiter, store, done.id, reason="mistake")
        assert reverted.status == "reverted" and "undone" in reverted.note
        assert yang_liu_people(store) == 3
        with pytest.raises(ConflictError, match="already reverted"):
            corrections.revert_correction(db.units_of(engine), team.recruiter, store, done.id)
        rebuilt = corrections.rebuild_research_store(db.units_of(engine), store, [DATA])
        assert rebuilt.summary.corrections == 0 and yang_liu_people(store) == 3

    def test_org_alias_and_settings_survive_a_rebuild_and_revert(self, engine: Engine, team: Team,
                                                                 store: Path) -> None:
        alias = corrections.alias_org(db.units_of(engine), team.recruiter, store, "Alibaba Group US", "tsinghua")
        setting = corrections.set_org(db.units_of(engine), team.recruiter, store, "umontreal", country="FR")
        corrections.rebuild_research_store(db.units_of(engine), store, [DATA])
        with ResearchStore(store) as s:
            assert s.one("SELECT org_id FROM authorships WHERE raw_affiliation = 'Alibaba Group US'") == {
                "org_id": "tsinghua"}
            assert s.one("SELECT country FROM organisations WHERE org_id = 'umontreal'") == {"country": "FR"}
        corrections.revert_correction(db.units_of(engine), team.recruiter, store, alias.id)
        corrections.revert_correction(db.units_of(engine), team.recruiter, store, setting.id)
        with ResearchStore(store) as s:
            assert s.one("SELECT org_id FROM authorships WHERE raw_affiliation = 'Alibaba Group US'") == {
                "org_id": "alibaba"}
            assert s.one("SELECT country FROM organisations WHERE org_id = 'umontreal'") == {"country": "CA"}

    def test_a_viewer_may_not_correct(self, engine: Engine, team: Team, store: Path) -> None:
        with pytest.raises(ForbiddenError):
            corrections.merge_people(db.units_of(engine), team.viewer, store, person_on(store, TSINGHUA_PAPER),
                                     person_on(store, ALIBABA_PAPER))

    def test_a_bad_correction_writes_nothing(self, engine: Engine, team: Team, store: Path) -> None:
        tsinghua = person_on(store, TSINGHUA_PAPER)
        with pytest.raises(InvalidError, match="same person"):
            corrections.merge_people(db.units_of(engine), team.recruiter, store, tsinghua, tsinghua)
        with db.session_scope(engine) as session:
            assert session.query(IdentityCorrection).count() == 0

    def test_a_correction_whose_papers_vanished_is_reported(self, engine: Engine, team: Team,
                                                           store: Path) -> None:
        done = corrections.merge_people(db.units_of(engine), team.recruiter, store, person_on(store, TSINGHUA_PAPER),
                                        person_on(store, ALIBABA_PAPER))
        only_cvpr = store.parent / "sources"
        only_cvpr.mkdir()
        shutil.copy(DATA / "cvpr" / "cvpr2022.json", only_cvpr)
        rebuilt = corrections.rebuild_research_store(db.units_of(engine), store, [only_cvpr])
        assert [s.correction_id for s in rebuilt.summary.stale_corrections] == [f"c{done.id}"]
        with db.session_scope(engine) as session:
            listed = corrections.list_corrections(session, team.recruiter)
        assert listed[0].stale_reason and "nothing left to merge" in listed[0].stale_reason


def test_a_rebuild_over_a_store_of_an_older_version_keeps_the_candidates(engine: Engine, team: Team,
                                                                          store: Path) -> None:
    # What a team does after upgrading LabScout: the old store is refused for reading, `ingest` replaces it.
    tsinghua = person_on(store, TSINGHUA_PAPER)
    candidate = add_candidate(engine, team, tsinghua)
    built_by_an_older_version(store)
    with pytest.raises(InvalidError, match="rebuild it"):
        ResearchStore(store)
    rebuilt = corrections.rebuild_research_store(db.units_of(engine), store, [DATA])
    assert rebuilt.summary.papers > 0
    with db.session_scope(engine) as session:
        assert candidates.get_candidate(session, team.recruiter, candidate).person_id == person_on(
            store, TSINGHUA_PAPER)


class Stop(BaseException):
    """The process stopping at this point (a kill, a power cut): nothing after it runs."""


def failing_commit(engine: Engine, which: int) -> db.UnitOfWork:
    """Units of work on `engine` whose `which`-th (from 1) fails to commit, as a lost database connection would."""
    count = 0

    @contextmanager
    def unit() -> Iterator[Session]:
        nonlocal count
        count += 1
        with db.session_scope(engine) as session:
            yield session
            if count == which:
                session.rollback()
                raise OperationalError("COMMIT", {}, Exception("connection lost"))
    return unit


class TestTwoStoresInOrder:
    def test_a_correction_whose_record_fails_to_commit_leaves_the_store_alone(
            self, engine: Engine, team: Team, store: Path) -> None:
        # Regression: the store was patched and swapped in before the correction's row was committed, so a
        # failed commit left a change in the store recorded nowhere (and undone by the next ingest).
        tsinghua, alibaba = person_on(store, TSINGHUA_PAPER), person_on(store, ALIBABA_PAPER)
        with pytest.raises(OperationalError):
            corrections.merge_people(failing_commit(engine, 2), team.recruiter, store, alibaba, tsinghua)
        assert yang_liu_people(store) == 3
        with db.session_scope(engine) as session:
            assert session.query(IdentityCorrection).count() == 0

    def test_a_stop_before_the_patch_is_finished_by_recovery(self, engine: Engine, team: Team, store: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
        tsinghua, alibaba = person_on(store, TSINGHUA_PAPER), person_on(store, ALIBABA_PAPER)
        candidate = add_candidate(engine, team, tsinghua)

        def stop(*_: object) -> None:
            raise Stop
        with monkeypatch.context() as m:
            m.setattr(corrections.patch, "apply_corrections", stop)
            with pytest.raises(Stop):
                corrections.merge_people(db.units_of(engine), team.recruiter, store, alibaba, tsinghua)
        assert yang_liu_people(store) == 3
        with db.session_scope(engine) as session:
            (row,) = session.query(IdentityCorrection).all()
            assert (row.status, row.patch_pending) == ("active", True)
        assert corrections.recover(db.units_of(engine), store) == [row.id]
        assert yang_liu_people(store) == 2 and corrections.recover(db.units_of(engine), store) == []
        with db.session_scope(engine) as session:
            assert session.get(IdentityCorrection, row.id).patch_pending is False  # type: ignore[union-attr]
            assert candidates.get_candidate(session, team.recruiter, candidate).person_id == person_on(
                store, TSINGHUA_PAPER)

    def test_a_stop_after_the_patch_is_finished_by_the_next_correction(self, engine: Engine, team: Team,
                                                                       store: Path) -> None:
        tsinghua, alibaba = person_on(store, TSINGHUA_PAPER), person_on(store, ALIBABA_PAPER)
        with pytest.raises(OperationalError):
            corrections.merge_people(failing_commit(engine, 3), team.recruiter, store, alibaba, tsinghua)
        assert yang_liu_people(store) == 2  # patched; the follow-up did not commit
        merged = person_on(store, TSINGHUA_PAPER)
        corrections.set_org(db.units_of(engine), team.recruiter, store, "umontreal", country="FR")
        with db.session_scope(engine) as session:
            rows = session.query(IdentityCorrection).order_by(IdentityCorrection.id).all()
            assert [(r.kind, r.status, r.patch_pending) for r in rows] == [
                ("person_merge", "active", False), ("org_settings", "active", False)]
        assert yang_liu_people(store) == 2 and person_on(store, ALIBABA_PAPER) == merged

    def test_a_patch_that_fails_marks_the_correction_failed(self, engine: Engine, team: Team, store: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
        def conflict(*_: object) -> None:
            raise ConflictError("the store changed meanwhile")
        with monkeypatch.context() as m:
            m.setattr(corrections.patch, "apply_corrections", conflict)
            with pytest.raises(ConflictError, match="changed meanwhile"):
                corrections.merge_people(db.units_of(engine), team.recruiter, store,
                                         person_on(store, TSINGHUA_PAPER), person_on(store, ALIBABA_PAPER))
        with db.session_scope(engine) as session:
            (row,) = session.query(IdentityCorrection).all()
            assert (row.status, row.patch_pending) == ("failed", False) and "changed meanwhile" in (
                row.stale_reason or "")
        rebuilt = corrections.rebuild_research_store(db.units_of(engine), store, [DATA])
        assert rebuilt.summary.corrections == 0 and yang_liu_people(store) == 3
