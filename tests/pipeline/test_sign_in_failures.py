"""Sign-in failures are counted in the pipeline database: two app instances ("workers") share one count.

Each test runs on SQLite (one file, two engines) and on the throw-away PostgreSQL server. The apps are two
separate `create_app` instances with their own engines and pools, as two `labscout serve --workers 2`
processes would be; every request is answered by the worker the test names.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import timedelta
from itertools import cycle
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from tests.pipeline.conftest import PASSWORD, TEAM

from labscout.api.auth import ACCOUNT_LIMIT, CLIENT_LIMIT, FAILURE_WINDOW, PAIR_LIMIT
from labscout.config import Settings
from labscout.pipeline import db, sign_in_failures
from labscout.pipeline.models import SignInFailure, utcnow
from labscout.web.app import create_app

EXEC, HR, RECRUITER, VIEWER = (email for email, _, _ in TEAM)
WRONG = "not the password"


class Deployment:
    """Two workers of one deployment: one home (so one server key), one pipeline database."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.apps = [create_app(settings), create_app(settings)]

    def client(self, worker: int, address: str = "198.51.100.7") -> TestClient:
        return TestClient(self.apps[worker], base_url="https://testserver", client=(address, 40000 + worker))


@pytest.fixture()
def deployment(engine: Engine, world: Path, tmp_path: Path) -> Iterator[Deployment]:
    home = tmp_path / "home"
    home.mkdir()
    shutil.copyfile(world, home / "research.duckdb")
    url = engine.url.render_as_string(hide_password=False)
    yield Deployment(Settings(home=home, database_url=url))


def sign_in(client: TestClient, email: str, password: str) -> int:
    return client.post("/api/v1/session", json={"email": email, "password": password}).status_code


def assert_locked(client: TestClient, email: str) -> None:
    answer = client.post("/api/v1/session", json={"email": email, "password": PASSWORD})
    assert answer.status_code == 429, answer.text
    assert 1 <= int(answer.headers["retry-after"]) <= FAILURE_WINDOW


class TestTwoWorkersShareTheCount:
    def test_the_pair_locks_after_its_limit_however_the_failures_were_spread(self, deployment: Deployment) -> None:
        with deployment.client(0) as first, deployment.client(1) as second:
            workers = cycle([first, second])
            for _ in range(PAIR_LIMIT):
                assert sign_in(next(workers), VIEWER, WRONG) == 403
            # Each worker saw fewer than the limit itself; together they saw the limit: both refuse.
            assert_locked(first, VIEWER)
            assert_locked(second, VIEWER)
            # The pair locks first: another account from the same address still signs in, on either worker.
            assert sign_in(second, HR, PASSWORD) == 200
            assert sign_in(first, RECRUITER, PASSWORD) == 200

    def test_a_success_elsewhere_does_not_reset_the_clients_count(self, deployment: Deployment) -> None:
        guessed = [f"nobody{n}@lab.example" for n in range(CLIENT_LIMIT)]
        with deployment.client(0) as first, deployment.client(1) as second:
            workers = cycle([first, second])
            for email in guessed[:-1]:
                assert sign_in(next(workers), email, WRONG) == 403
            # The attacker signs in to their own account on one worker: the address's count stays.
            assert sign_in(first, EXEC, PASSWORD) == 200
            assert sign_in(second, guessed[-1], WRONG) == 403
            assert_locked(first, HR)
            assert_locked(second, RECRUITER)
        # Another address is not affected.
        with deployment.client(1, "203.0.113.9") as elsewhere:
            assert sign_in(elsewhere, HR, PASSWORD) == 200

    def test_one_account_locks_across_addresses_and_workers(self, deployment: Deployment) -> None:
        for n in range(ACCOUNT_LIMIT):
            # Below the pair limit from each address (two tries each), half on each worker.
            with deployment.client(n % 2, f"192.0.2.{n // 2 + 1}") as attacker:
                assert sign_in(attacker, HR, WRONG) == 403
        with deployment.client(0, "192.0.2.200") as owner:
            assert_locked(owner, HR)
            assert sign_in(owner, VIEWER, PASSWORD) == 200

    def test_the_web_form_and_the_api_share_the_count(self, deployment: Deployment) -> None:
        with deployment.client(0) as api, deployment.client(1) as web:
            for _ in range(PAIR_LIMIT):
                assert sign_in(api, RECRUITER, WRONG) == 403
            page = web.post("/login", data={"email": RECRUITER, "password": PASSWORD}, follow_redirects=False)
            assert page.status_code == 429 and "too many" in page.text
            assert 1 <= int(page.headers["retry-after"]) <= FAILURE_WINDOW

    def test_the_right_password_clears_only_its_pair(self, deployment: Deployment) -> None:
        with deployment.client(0) as first, deployment.client(1) as second:
            for _ in range(PAIR_LIMIT - 1):
                assert sign_in(first, VIEWER, WRONG) == 403
            assert sign_in(second, VIEWER, PASSWORD) == 200
            # A new run of failures starts from zero for the pair, on the other worker too.
            for _ in range(PAIR_LIMIT - 1):
                assert sign_in(first, VIEWER, WRONG) == 403
            assert sign_in(second, VIEWER, PASSWORD) == 200


class TestTheTable:
    def test_the_lock_lifts_when_the_window_passes_and_old_rows_are_pruned(self, engine: Engine) -> None:
        window = timedelta(seconds=FAILURE_WINDOW)
        start = utcnow()
        key = sign_in_failures.key_hash("pair:someone@lab.example|198.51.100.7", b"k")
        for n in range(PAIR_LIMIT):
            with db.session_scope(engine) as session:
                sign_in_failures.record(session, [key], window=window, now=start + timedelta(seconds=n))
        with db.session_scope(engine) as session:
            later = start + timedelta(seconds=100)
            # Locked until the oldest failure counted (the first) leaves the window.
            assert sign_in_failures.wait_seconds(session, [(key, PAIR_LIMIT)], window=window, now=later) == 200
            assert sign_in_failures.wait_seconds(session, [(key, PAIR_LIMIT + 1)], window=window, now=later) == 0
            assert sign_in_failures.wait_seconds(session, [(key, PAIR_LIMIT)], window=window,
                                                 now=start + window + timedelta(seconds=1)) == 0
        with db.session_scope(engine) as session:
            sign_in_failures.record(session, ["another"], window=window, now=start + window + timedelta(seconds=2))
        with db.session_scope(engine) as session:
            left = session.scalars(select(SignInFailure.key_hash).order_by(SignInFailure.id)).all()
            # The three failures no window counts any more are gone; the two still counted stay.
            assert left == [key, key, "another"]

    def test_the_table_holds_no_address_or_account_in_the_clear(self, deployment: Deployment,
                                                                 engine: Engine) -> None:
        with deployment.client(0, "198.51.100.77") as client:
            assert sign_in(client, "typed-my-password-here@lab.example", WRONG) == 403
        with db.session_scope(engine) as session:
            rows = session.scalars(select(SignInFailure.key_hash)).all()
            assert len(rows) == 3 and session.scalar(select(func.count()).select_from(SignInFailure)) == 3
        assert not any("typed" in row or "198.51" in row for row in rows)
