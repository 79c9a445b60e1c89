"""Settings: read once from the environment, every variable documented; `serve --workers 2` really serves."""

from __future__ import annotations

import ast
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from tests.api.conftest import PASSWORD, TEAM, make_home
from typer.testing import CliRunner

from labscout.api import auth
from labscout.cli import app
from labscout.config import ENVIRONMENT, Settings
from labscout.pipeline import db
from loopback import free_port

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "labscout"


class TestFromEnv:
    def test_every_variable(self, tmp_path: Path) -> None:
        found = Settings.from_env({"LABSCOUT_HOME": str(tmp_path), "LABSCOUT_SECRET": "s3cret",
                                   "LABSCOUT_SECURE_COOKIES": "0", "LABSCOUT_SMTP_PORT": "2525",
                                   "LABSCOUT_SMTP_STARTTLS": "yes", "LABSCOUT_DATABASE_URL": "sqlite:///x.db"})
        assert (found.home, found.secret, found.secure_cookies) == (tmp_path, b"s3cret", False)
        assert (found.smtp.port, found.smtp.starttls, found.pipeline_url) == (2525, True, "sqlite:///x.db")
        plain = Settings.from_env({"LABSCOUT_HOME": str(tmp_path)})
        assert (plain.secret, plain.secure_cookies, plain.smtp.host) == (None, True, "localhost")

    def test_the_secret_comes_from_settings_else_one_kept_key(self, tmp_path: Path) -> None:
        assert auth.load_secret(Settings(home=tmp_path, secret=b"given")) == b"given"
        kept = auth.load_secret(Settings(home=tmp_path))
        assert len(kept) == 32 and auth.load_secret(Settings(home=tmp_path)) == kept
        assert (tmp_path / "secret.key").stat().st_mode & 0o777 == 0o600
        assert not [p for p in tmp_path.iterdir() if p.name.startswith(".secret")]


def test_every_setting_is_documented() -> None:
    readme = (ROOT / "README.md").read_text()
    for name, meaning in ENVIRONMENT.items():
        assert f"| `{name}` | {meaning} |" in readme, f"{name} is not in the README's settings table"


def test_the_environment_is_read_in_config_only() -> None:
    for path in sorted(SRC.rglob("*.py")):
        if path.name == "config.py" and path.parent == SRC:
            continue
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            reads = (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                     and ast.unparse(node.func) in ("os.environ.get", "os.getenv")) or (
                isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load)
                and ast.unparse(node.value) == "os.environ")
            assert not reads, f"{path.relative_to(SRC)} line {node.lineno} reads the environment itself"
    names = set(re.findall(r"LABSCOUT_[A-Z_]*[A-Z]\b", "".join(p.read_text() for p in SRC.rglob("*.py"))))
    assert names <= set(ENVIRONMENT), f"undeclared settings: {sorted(names - set(ENVIRONMENT))}"


def test_a_command_runs_alembic_only_when_the_schema_is_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               ) -> None:
    monkeypatch.setenv("LABSCOUT_HOME", str(tmp_path))
    monkeypatch.delenv("LABSCOUT_DATABASE_URL", raising=False)
    runs: list[str] = []
    real = db.upgrade
    monkeypatch.setattr(db, "upgrade", lambda engine, revision="head": (runs.append(revision), real(engine))[1])
    runner = CliRunner()
    made = runner.invoke(app, ["user", "add", "a@lab.example", "--name", "A", "--role", "executive",
                               "--password", PASSWORD])
    assert made.exit_code == 0, made.output
    assert runs == ["head"]  # a new database: its schema is made
    for _ in range(3):
        assert runner.invoke(app, ["user", "list", "--as", "a@lab.example", "--json"]).exit_code == 0
    assert runs == ["head"]  # current: no Alembic run per command
    assert runner.invoke(app, ["pipeline", "upgrade", "--json"]).exit_code == 0
    assert runs == ["head", "head"]  # asked for


def test_serve_with_two_workers(world: Path, tmp_path: Path) -> None:
    settings = make_home(world, tmp_path / "home")
    port = free_port()
    env = {**os.environ, "LABSCOUT_HOME": str(settings.home)}
    env.pop("LABSCOUT_DATABASE_URL", None)
    server = subprocess.Popen([sys.executable, "-m", "labscout.cli", "serve", "--port", str(port), "--workers", "2"],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(base + "/login", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            pytest.fail("the server did not answer")
        # Signed in by one worker, served by either: both hold the same key and database.
        with httpx.Client(base_url=base) as client:
            signed = client.post("/api/v1/session", json={"email": TEAM["recruiter"], "password": PASSWORD})
            assert signed.status_code == 200, signed.text
            for _ in range(6):
                assert client.get("/api/v1/people", params={"name": "Ada Lovel"}).json()[0]["name"] == "Ada Lovel"
                assert client.get("/board").status_code == 200
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        output = server.communicate(timeout=30)[0].decode()
    assert "workers" in output and "Traceback" not in output
