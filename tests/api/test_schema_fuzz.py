"""The OpenAPI schema fuzzed with schemathesis against a real server on loopback: no request gives a 500."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from tests.api.conftest import PASSWORD, TEAM, make_home

from labscout.web.app import create_app
from loopback import serve_app


@pytest.fixture(scope="module")
def server(world: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    settings_ = make_home(world, tmp_path_factory.mktemp("fuzz") / "home")
    with serve_app(create_app(settings_, secure_cookies=False), "/openapi.json") as base:
        signed = httpx.post(base + "/api/v1/session", json={"email": TEAM["executive"], "password": PASSWORD})
        headers = {"Cookie": f"labscout_session={signed.cookies['labscout_session']}",
                   "X-CSRF-Token": signed.json()["csrf_token"]}
        yield base, headers


@pytest.fixture(scope="module")
def api_schema(server: tuple[str, dict[str, str]]) -> schemathesis.BaseSchema:
    base, _ = server
    return schemathesis.openapi.from_url(base + "/openapi.json")


def test_no_server_errors(api_schema: schemathesis.BaseSchema, server: tuple[str, dict[str, str]]) -> None:
    _, headers = server
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 20
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def fuzz(case: schemathesis.Case) -> None:
            response = case.call(headers=headers)
            assert response.status_code < 500, (case.method, case.formatted_path, response.text[:500])

        fuzz()
