"""Every pipeline test runs twice: on SQLite and on a real PostgreSQL server started for the test session.

Databases are built by Alembic `upgrade head`, once per session as a template; each test gets its own copy.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine

from labscout.pipeline import db, users
from labscout.pipeline.roles import Actor, Role
from pgserver import PgServer

PASSWORD = "correct horse battery"
TEAM = [("exec@lab.example", "Erin Exec", Role.EXECUTIVE), ("hr@lab.example", "Hana HR", Role.HR),
        ("rec@lab.example", "Remy Recruiter", Role.RECRUITER), ("view@lab.example", "Vic Viewer", Role.VIEWER)]


@dataclass(frozen=True)
class Team:
    executive: Actor
    hr: Actor
    recruiter: Actor
    viewer: Actor


def seed_team(engine: Engine) -> None:
    with db.session_scope(engine) as session:
        for email, name, role in TEAM:
            actor = None if users.count_users(session) == 0 else users.actor_for_email(session, TEAM[0][0])
            users.create_user(session, email=email, name=name, role=role, password=PASSWORD, actor=actor)


def team_of(engine: Engine) -> Team:
    with db.session_scope(engine) as session:
        found = [users.actor_for_email(session, email) for email, _, _ in TEAM]
    return Team(*found)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    server = PgServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def templates(pg_server: PgServer, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Migrated databases to copy per test: empty and with a team of four users, on both backends."""
    found: dict[str, str] = {}
    folder = tmp_path_factory.mktemp("sqlite-templates")
    for seeded in (False, True):
        suffix = "team" if seeded else "empty"
        path = folder / f"{suffix}.sqlite"
        pg_name = pg_server.create_database()
        for key, url in ((f"sqlite-{suffix}", f"sqlite:///{path}"), (f"postgresql-{suffix}", pg_server.url(pg_name))):
            engine = db.make_engine(url)
            db.upgrade(engine)
            if seeded:
                seed_team(engine)
            engine.dispose()
            found[key] = str(path) if key.startswith("sqlite") else pg_name
    return found


def _engine_from(kind: str, which: str, templates: dict[str, str], pg_server: PgServer,
                 tmp_path: Path) -> Iterator[Engine]:
    template = templates[f"{kind}-{which}"]
    if kind == "sqlite":
        path = tmp_path / f"pipeline-{which}.sqlite"
        shutil.copyfile(template, path)
        engine = db.make_engine(f"sqlite:///{path}")
        yield engine
        engine.dispose()
        return
    name = pg_server.create_database(template=template)
    engine = db.make_engine(pg_server.url(name))
    yield engine
    engine.dispose()
    import psycopg

    with psycopg.connect(f"host=127.0.0.1 port={pg_server.port} user={pg_server.user} dbname=postgres",
                         autocommit=True) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture()
def engine(backend: str, templates: dict[str, str], pg_server: PgServer, tmp_path: Path) -> Iterator[Engine]:
    """A migrated database holding the four-person team (executive, HR, recruiter, viewer)."""
    yield from _engine_from(backend, "team", templates, pg_server, tmp_path)


@pytest.fixture()
def empty_engine(backend: str, templates: dict[str, str], pg_server: PgServer, tmp_path: Path) -> Iterator[Engine]:
    """A migrated database with no users at all."""
    yield from _engine_from(backend, "empty", templates, pg_server, tmp_path)


@pytest.fixture()
def team(engine: Engine) -> Team:
    return team_of(engine)
