"""The API on the small world with a team of four roles, through FastAPI's test client over HTTPS."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from labscout.config import Settings
from labscout.pipeline import db, users
from labscout.pipeline.roles import Role
from labscout.web.app import create_app

PASSWORD = "correct horse battery"
TEAM = {"executive": "exec@lab.example", "hr": "hr@lab.example", "recruiter": "rec@lab.example",
        "viewer": "view@lab.example"}


@dataclass
class Signed:
    client: TestClient
    csrf: str

    def headers(self) -> dict[str, str]:
        return {"X-CSRF-Token": self.csrf}


def make_home(world: Path, home: Path) -> Settings:
    home.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(world, home / "research.duckdb")
    settings = Settings(home=home)
    engine = db.make_engine(settings.pipeline_url)
    db.upgrade(engine)
    with db.session_scope(engine) as session:
        for n, (role, email) in enumerate(TEAM.items()):
            actor = None if n == 0 else users.actor_for_email(session, TEAM["executive"])
            users.create_user(session, email=email, name=f"{role.title()} User", role=Role(role), password=PASSWORD,
                              actor=actor)
    engine.dispose()
    return settings


@pytest.fixture()
def settings(world: Path, tmp_path: Path) -> Settings:
    return make_home(world, tmp_path / "home")


@pytest.fixture()
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), base_url="https://testserver") as c:
        yield c


def sign_in(client: TestClient, role: str) -> Signed:
    response = client.post("/api/v1/session", json={"email": TEAM[role], "password": PASSWORD})
    assert response.status_code == 200, response.text
    return Signed(client, response.json()["csrf_token"])


@pytest.fixture()
def as_role(client: TestClient) -> object:
    def signed(role: str) -> Signed:
        client.cookies.clear()
        return sign_in(client, role)
    return signed
