"""Every HTML page and form route fuzzed with Hypothesis: whatever the path, query and form values, no 5xx.

The routes and their parameters are read from the app itself, so a page added later is fuzzed too. Values mix
what a person types with what an attacker sends: huge and negative numbers, control characters, CR/LF, very
long text, non-ASCII (digits str.isdigit() accepts but int() refuses, such as '²'), comma lists, dates that
are not dates. The test client re-raises any exception the app does not turn into an answer, so a crash fails
the test with its traceback.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.api.conftest import Signed, sign_in

from labscout.api import auth
from labscout.config import Settings
from labscout.web.app import create_app
from labscout.web.routes import discovery, money, pipeline, session, watching

# What a page shows back of what was typed is escaped: this never appears as it was sent.
MARKUP = "<script>alert(1)</script>"
SHORT = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.sampled_from(["", " ", "graph --", "-graph", "a@b.example, c@d.example", "x\r\nBcc: e@f.example",
                     "{% for i in range(9999) %}{% for j in range(9999) %}{% endfor %}{% endfor %}",
                     "=HYPERLINK(\"http://evil.example\")", "é" * 50, "\x00", "0", "-1", "99999999999999999999999",
                     "2026-02-30", "²", "٣", "2⁰2⁴", "declined", "approve", "confirm", "identified", MARKUP]),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.just("x" * 2_000),
)
# Form bodies may be longer than any URL: a 900,000-character note was stored once.
TEXT = st.one_of(SHORT, st.just("x" * 900_000))
NUMBER = st.one_of(st.integers(min_value=-5, max_value=5), st.integers(min_value=-(10**30), max_value=10**30))


def value_for(annotation: Any, text: st.SearchStrategy[str] = TEXT) -> st.SearchStrategy[str]:
    """A form or query value as text (browsers send text), mostly fitting the type, sometimes not."""
    if annotation is int:
        return st.one_of(NUMBER.map(str), text)
    if annotation is date:
        return st.one_of(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 1, 1)).map(str), text)
    return text


def html_routes() -> list[APIRoute]:
    return [r for module in (session, discovery, pipeline, money, watching) for r in module.router.routes
            if isinstance(r, APIRoute)]


@pytest.fixture(scope="module")
def signed(world: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Signed]:
    from tests.api.conftest import make_home

    home: Settings = make_home(world, tmp_path_factory.mktemp("form-fuzz") / "home")
    app = create_app(home)
    with TestClient(app, base_url="https://testserver") as client:
        # The fuzzer signs in with thousands of wrong passwords: a limiter that forgets at once keeps it going.
        app.state.limiter = auth.RateLimiter(app.state.resources.engine, window=0.0)
        who = sign_in(client, "executive")
        made = client.post("/api/v1/candidates", json={"name": "Ada Lovel", "target_role": "researcher",
                                                       "email": "ada@example.org"}, headers=who.headers()).json()
        soon = (date.today() + timedelta(days=30)).isoformat()
        client.post(f"/api/v1/candidates/{made['id']}/offers", json={"base": 200_000, "start_date": soon,
                                                                     "expires_on": soon}, headers=who.headers())
        yield who


@pytest.mark.parametrize("route", html_routes(), ids=lambda r: f"{sorted(r.methods)[0]} {r.path}")
def test_no_page_or_form_gives_a_server_error(signed: Signed, route: APIRoute) -> None:
    dependant = route.dependant
    path_params = {p.name: value_for(p.field_info.annotation, SHORT) for p in dependant.path_params}
    query_params = {p.name: value_for(p.field_info.annotation, SHORT) for p in dependant.query_params}
    form_params = {p.name: value_for(p.field_info.annotation) for p in dependant.body_params}
    method = sorted(route.methods)[0]
    small_ids = st.sampled_from(["1", "2"])

    @given(path=st.fixed_dictionaries({k: st.one_of(small_ids, v) for k, v in path_params.items()}),
           query=st.fixed_dictionaries({}, optional=query_params),
           form=st.fixed_dictionaries({}, optional=form_params))
    @settings(max_examples=50, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    def fuzz(path: dict[str, str], query: dict[str, str], form: dict[str, str]) -> None:
        url = route.path.format(**{k: quote(v, safe="") for k, v in path.items()})
        if method == "GET":
            response = signed.client.get(url, params=query, follow_redirects=False)
        else:
            response = signed.client.post(url, params=query, data={**form, "csrf_token": signed.csrf},
                                          follow_redirects=False)
        assert response.status_code < 500, (method, url, query, form, response.text[:300])
        # A browser gets a page, never a JSON body; and what it typed comes back escaped.
        assert not response.headers.get("content-type", "").startswith("application/json"), (url, response.text)
        assert MARKUP not in response.text, (method, url, query, form)
        # A sign-out or a sign-in as someone else would end the fuzzing session: put it back.
        if url in ("/logout", "/login") and signed.client.get("/api/v1/session").status_code != 200:
            fresh = sign_in(signed.client, "executive")
            signed.csrf = fresh.csrf

    fuzz()


@pytest.mark.parametrize("value", ["²", "2⁰2⁴", "٣"])
def test_a_number_typed_with_digits_int_refuses_gets_the_default(signed: Signed, value: str) -> None:
    # str.isdigit() is true for '²', int('²') raises: CI found it on /flows once.
    page = signed.client.get("/flows", params={"since": value, "min_people": value})
    assert page.status_code == 200
    assert "since 2022" in page.text.lower() or 'value="2022"' in page.text
    found = signed.client.get("/search", params={"q": "graph", "since": value})
    assert found.status_code == 422 and "not a year" in found.text
    # Saving a search reads its filters through the same function as the search page.
    saved = signed.client.post("/searches", data={"q": "graph", "since": value, "csrf_token": signed.csrf})
    assert saved.status_code < 500 and "not a year" in saved.text
