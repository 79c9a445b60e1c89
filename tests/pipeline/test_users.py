"""Users: argon2 hashes, sign-in, who may create whom; the schema comes from Alembic on both backends."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, inspect, select

from labscout.errors import ConflictError, ForbiddenError, InvalidError
from labscout.pipeline import audit, db, users
from labscout.pipeline.models import User
from labscout.pipeline.roles import Perm, Role, can_see_compensation, require
from pipeline.conftest import PASSWORD, Team


class TestSchema:
    def test_upgrade_head_builds_every_table(self, empty_engine: Engine) -> None:
        tables = set(inspect(empty_engine).get_table_names())
        assert {"users", "candidates", "stages", "stage_transitions", "audit_log", "alembic_version"} <= tables
        assert db.current_revision(empty_engine) == db.head_revision()

    def test_upgrade_twice_changes_nothing(self, empty_engine: Engine) -> None:
        db.upgrade(empty_engine)
        assert db.current_revision(empty_engine) == db.head_revision()


class TestCreateUser:
    def test_first_user_bootstraps_without_actor(self, empty_engine: Engine) -> None:
        with db.session_scope(empty_engine) as session:
            created = users.create_user(session, email=" Boss@Lab.Example ", name="Boss", role="executive",
                                        password=PASSWORD)
        assert created.email == "boss@lab.example" and created.role is Role.EXECUTIVE
        with db.session_scope(empty_engine) as session:
            stored = session.scalar(select(User))
            assert stored is not None
            assert stored.password_hash.startswith("$argon2") and PASSWORD not in stored.password_hash
            trail = audit.list_entries(session, users.actor_for_email(session, "boss@lab.example"))
        assert [(e.action, e.entity, e.actor_name) for e in trail] == [("create", "user", "bootstrap")]
        assert "password_hash" not in (trail[0].after or {})

    def test_second_user_needs_an_actor(self, engine: Engine) -> None:
        with pytest.raises(ForbiddenError), db.session_scope(engine) as session:
            users.create_user(session, email="x@lab.example", name="X", role="viewer", password=PASSWORD)

    def test_recruiter_may_not_manage_users(self, engine: Engine, team: Team) -> None:
        with pytest.raises(ForbiddenError, match="manage users"), db.session_scope(engine) as session:
            users.create_user(session, email="x@lab.example", name="X", role="viewer", password=PASSWORD,
                              actor=team.recruiter)

    def test_hr_may_not_create_an_executive(self, engine: Engine, team: Team) -> None:
        with pytest.raises(ForbiddenError, match="executive"), db.session_scope(engine) as session:
            users.create_user(session, email="x@lab.example", name="X", role="executive", password=PASSWORD,
                              actor=team.hr)

    def test_duplicate_email_is_a_conflict(self, engine: Engine, team: Team) -> None:
        with pytest.raises(ConflictError), db.session_scope(engine) as session:
            users.create_user(session, email="HR@lab.example", name="Again", role="hr", password=PASSWORD,
                              actor=team.executive)

    @pytest.mark.parametrize(("email", "role", "password", "message"), [
        ("not-an-address", "viewer", PASSWORD, "e-mail"),
        ("y@lab.example", "janitor", PASSWORD, "unknown role"),
        ("y@lab.example", "viewer", "short", "at least 8"),
    ])
    def test_bad_input_names_the_problem(self, engine: Engine, team: Team, email: str, role: str, password: str,
                                         message: str) -> None:
        with pytest.raises(InvalidError, match=message), db.session_scope(engine) as session:
            users.create_user(session, email=email, name="Y", role=role, password=password, actor=team.executive)
        with db.session_scope(engine) as session:
            assert users.count_users(session) == 4


class TestAuthenticate:
    def test_right_password_gives_the_actor(self, engine: Engine) -> None:
        with db.session_scope(engine) as session:
            actor = users.authenticate(session, email="hr@lab.example", password=PASSWORD)
        assert (actor.name, actor.role) == ("Hana HR", Role.HR)

    @pytest.mark.parametrize(("email", "password"), [("hr@lab.example", "wrong password"),
                                                     ("nobody@lab.example", PASSWORD)])
    def test_wrong_email_or_password_is_forbidden(self, engine: Engine, email: str, password: str) -> None:
        with pytest.raises(ForbiddenError, match="wrong e-mail or password"), db.session_scope(engine) as session:
            users.authenticate(session, email=email, password=password)

    def test_deactivated_user_cannot_sign_in_or_act(self, engine: Engine, team: Team) -> None:
        with db.session_scope(engine) as session:
            users.set_active(session, team.executive, users.get_user_by_email(session, "rec@lab.example").id, False)
        with db.session_scope(engine) as session:
            with pytest.raises(ForbiddenError):
                users.authenticate(session, email="rec@lab.example", password=PASSWORD)
            with pytest.raises(ForbiddenError, match="deactivated"):
                users.actor_for_email(session, "rec@lab.example")


class TestRoles:
    def test_compensation_only_for_executive_and_hr(self, team: Team) -> None:
        assert [can_see_compensation(a) for a in (team.executive, team.hr, team.recruiter, team.recruiter)] == [
            True, True, False, False]

    def test_require_names_who_and_what(self, team: Team) -> None:
        with pytest.raises(ForbiddenError, match=r"Vic Viewer \(viewer\) may not edit candidates"):
            require(team.viewer, Perm.EDIT_CANDIDATES)


class TestMigrations:
    def test_models_match_the_migrated_schema(self, empty_engine: Engine) -> None:
        from alembic.autogenerate import compare_metadata
        from alembic.migration import MigrationContext

        from labscout.pipeline import (  # noqa: F401  (their tables are part of it)
            identity_models,
            team_models,
            watch_models,
        )
        from labscout.pipeline.models import Base

        with empty_engine.connect() as connection:
            drift = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        assert drift == []

    def test_revision_files_are_named_by_date_and_slug(self) -> None:
        import re

        names = sorted(p.name for p in (db.MIGRATIONS / "versions").glob("*.py"))
        assert names and all(re.fullmatch(r"\d{4}-\d\d-\d\d-\d{4}_[a-z0-9_]+\.py", n) for n in names)
