"""CSV in and out (a bad file names row and field and writes nothing); backup and restore of everything."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from labscout.errors import BadInputError, ConflictError
from labscout.pipeline import backup, candidates, csvio, db, deals, plan
from labscout.pipeline.candidates import CandidateIn
from labscout.pipeline.models import AuditEntry, Candidate
from pipeline.conftest import Team, team_of

GOOD = """name,target_role,email,priority,tags,source,stage,owner_email
Ada Lovelace,researcher,ada@example.org,1,vision;rl,referral,contacted,hr@lab.example
Grace Hopper,infrastructure engineer,,2,,,,
"""


def count(engine: Engine) -> int:
    with db.session_scope(engine) as session:
        return session.scalar(select(func.count()).select_from(Candidate)) or 0


class TestImport:
    def test_good_file(self, engine: Engine, team: Team, tmp_path: Path) -> None:
        path = tmp_path / "people.csv"
        path.write_text(GOOD, encoding="utf-8")
        with db.session_scope(engine) as session:
            ids = csvio.import_candidates(session, team.recruiter, path)
            found = [candidates.get_candidate(session, team.recruiter, i) for i in ids]
        assert [(c.name, c.stage, c.tags, c.owner_name, c.source) for c in found] == [
            ("Ada Lovelace", "contacted", ["rl", "vision"], "Hana HR", "referral"),
            ("Grace Hopper", "identified", [], "Remy Recruiter", "import")]

    @pytest.mark.parametrize(("content", "where"), [
        ("name,role\nAda,researcher\n", "field 'role'"),
        ("name,email\nAda,a@b.org\n", "field 'target_role'"),
        (GOOD + "Bad Prio,researcher,,high,,,,\n", "record 3, field 'priority'"),
        (GOOD + "Bad Stage,researcher,,,,,hired,\n", "record 3, field 'stage'"),
        (GOOD + "Bad Mail,researcher,not-mail,,,,,\n", "record 3, field 'email'"),
        (GOOD + ",researcher,,,,,,\n", "record 3, field 'name'"),
        (GOOD + "Too,many,values,1,,,,,,extra\n", "record 3"),
    ])
    def test_bad_file_names_row_and_field_and_writes_nothing(self, engine: Engine, team: Team, tmp_path: Path,
                                                             content: str, where: str) -> None:
        path = tmp_path / "bad.csv"
        path.write_text(content, encoding="utf-8")
        with pytest.raises(BadInputError) as caught, db.session_scope(engine) as session:
            csvio.import_candidates(session, team.recruiter, path)
        assert str(caught.value).startswith(str(path)) and where in str(caught.value)
        assert count(engine) == 0

    def test_wrong_encoding(self, engine: Engine, team: Team, tmp_path: Path) -> None:
        path = tmp_path / "latin1.csv"
        path.write_bytes((GOOD + "Jos\u00e9 M\u00fcller,researcher,,,,,,\n").encode("latin-1"))
        with pytest.raises(BadInputError, match=r"record 3: not UTF-8 text \(byte \d+, line 4\)"), \
                db.session_scope(engine) as session:
            csvio.import_candidates(session, team.recruiter, path)
        assert count(engine) == 0

    def test_export_reimports_as_is(self, engine: Engine, team: Team, tmp_path: Path) -> None:
        path = tmp_path / "people.csv"
        path.write_text(GOOD, encoding="utf-8")
        with db.session_scope(engine) as session:
            csvio.import_candidates(session, team.recruiter, path)
            out = io.StringIO()
            assert csvio.export_candidates(session, team.recruiter, out) == 2
        again = tmp_path / "again.csv"
        again.write_text(out.getvalue(), encoding="utf-8")
        with db.session_scope(engine) as session:
            ids = csvio.import_candidates(session, team.recruiter, again)
            reimported = [candidates.get_candidate(session, team.recruiter, i) for i in ids]
        assert [(c.name, c.stage, c.tags, c.email) for c in reimported] == [
            ("Ada Lovelace", "contacted", ["rl", "vision"], "ada@example.org"),
            ("Grace Hopper", "identified", [], None)]


class TestBackup:
    def test_restore_into_an_empty_database_gives_the_same_data(self, engine: Engine, empty_engine: Engine,
                                                                team: Team, tmp_path: Path) -> None:
        with db.session_scope(engine) as session:
            c = candidates.create_candidate(session, team.recruiter, CandidateIn(name="Ada", target_role="researcher",
                                                                                 tags=["x"]))
            candidates.move_stage(session, team.recruiter, c.id, "contacted")
            plan.set_role(session, team.executive, "researcher", slots=35, budget=1_000_000)
            deals.create_deal(session, team.executive, kind="investment", company="Co", amount=5, stake_percent="2.5")
        dest = tmp_path / "backup.json"
        counts = backup.backup(engine, team.hr, dest)
        assert counts["candidates"] == 1 and counts["users"] == 4
        restored = backup.restore(empty_engine, team.executive, dest)
        assert restored == counts
        with db.session_scope(empty_engine) as session:
            back = candidates.get_candidate(session, team.recruiter, c.id)
            summary = plan.plan_summary(session, team.executive)
            found = deals.list_deals(session, team.executive)
            audits = session.scalar(select(func.count()).select_from(AuditEntry))
            # new rows continue after the restored ids
            later = candidates.create_candidate(session, team.recruiter, CandidateIn(name="B", target_role="x"))
        assert (back.name, back.stage, back.tags, back.version) == ("Ada", "contacted", ["x"], 2)
        assert summary.budget_total == 1_000_000 and found[0].stake_percent == "2.500"
        assert audits == counts["audit_log"] + 1  # + the restore itself
        assert later.id == c.id + 1
        assert team_of(empty_engine) == team

    def test_restore_refuses_to_overwrite_and_bad_files(self, engine: Engine, team: Team, tmp_path: Path) -> None:
        dest = tmp_path / "backup.json"
        backup.backup(engine, team.hr, dest)
        with pytest.raises(ConflictError, match="already holds data") as refused:
            backup.restore(engine, team.executive, dest)
        assert refused.value.field == "replace"
        assert backup.restore(engine, team.executive, dest, replace=True)["users"] == 4
        junk = tmp_path / "junk.json"
        junk.write_text('{"format": "something else"}')
        with pytest.raises(BadInputError, match="field 'format'"):
            backup.restore(engine, team.executive, junk, replace=True)
        assert team_of(engine) == team
