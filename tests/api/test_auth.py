"""Sessions, CSRF, rate limiting and the one error shape."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from tests.api.conftest import PASSWORD, TEAM, Signed


class TestSession:
    def test_sign_in_sets_a_secure_http_only_cookie(self, client: TestClient) -> None:
        response = client.post("/api/v1/session", json={"email": TEAM["hr"], "password": PASSWORD})
        assert response.status_code == 200
        cookie = response.headers["set-cookie"].lower()
        assert "httponly" in cookie and "secure" in cookie and "samesite=lax" in cookie
        assert response.json()["role"] == "hr"
        assert client.get("/api/v1/session").json()["csrf_token"] == response.json()["csrf_token"]

    def test_wrong_password_and_unknown_user_read_the_same(self, client: TestClient) -> None:
        wrong = client.post("/api/v1/session", json={"email": TEAM["hr"], "password": "nope nope nope"})
        nobody = client.post("/api/v1/session", json={"email": "who@lab.example", "password": "nope nope nope"})
        assert wrong.status_code == nobody.status_code == 403
        assert wrong.json()["detail"] == nobody.json()["detail"]

    def test_sign_in_is_rate_limited_even_with_the_right_password(self, client: TestClient) -> None:
        for _ in range(5):
            client.post("/api/v1/session", json={"email": TEAM["viewer"], "password": "wrong password!"})
        blocked = client.post("/api/v1/session", json={"email": TEAM["viewer"], "password": PASSWORD})
        assert blocked.status_code == 429 and "too many" in blocked.json()["detail"]
        assert 1 <= int(blocked.headers["retry-after"]) <= 300

    def test_sign_out(self, as_role: Callable[[str], Signed]) -> None:
        who = as_role("recruiter")
        assert who.client.delete("/api/v1/session", headers=who.headers()).status_code == 204
        assert who.client.get("/api/v1/candidates").status_code == 401

    def test_a_forged_cookie_is_not_a_session(self, client: TestClient) -> None:
        client.cookies.set("labscout_session", "MXxhYmN8OTk5OTk5OTk5OQ==.forged", domain="testserver")
        assert client.get("/api/v1/candidates").status_code == 401


class TestCsrf:
    def test_changes_need_the_token(self, as_role: Callable[[str], Signed]) -> None:
        who = as_role("recruiter")
        body = {"name": "Ada", "target_role": "researcher"}
        assert who.client.post("/api/v1/candidates", json=body).status_code == 403
        assert who.client.post("/api/v1/candidates", json=body, headers={"X-CSRF-Token": "x"}).status_code == 403
        assert who.client.post("/api/v1/candidates", json=body, headers=who.headers()).status_code == 201

    def test_html_forms_need_the_token_too(self, as_role: Callable[[str], Signed]) -> None:
        who = as_role("recruiter")
        made = who.client.post("/api/v1/candidates", json={"name": "Ada", "target_role": "researcher"},
                               headers=who.headers()).json()
        without = who.client.post(f"/candidates/{made['id']}/notes", data={"text": "hi"})
        assert without.status_code == 403
        done = who.client.post(f"/candidates/{made['id']}/notes", data={"text": "hi", "csrf_token": who.csrf},
                               follow_redirects=False)
        assert done.status_code == 303


class TestErrorShape:
    def test_every_error_is_one_json_problem(self, as_role: Callable[[str], Signed]) -> None:
        who = as_role("executive")
        for response, status in ((who.client.get("/api/v1/candidates/9999"), 404),
                                 (who.client.get("/api/v1/search", params={"q": "the of"}), 422),
                                 (who.client.get("/api/v1/search", params={"q": "x", "top": 0}), 422),
                                 (who.client.get("/api/v1/orgs/Nowhere%20Institute%20of%20Nothing"), 404)):
            assert response.status_code == status
            body = response.json()
            assert response.headers["content-type"].startswith("application/problem+json")
            assert set(body) >= {"type", "title", "status", "detail"} and body["status"] == status

    def test_not_signed_in_is_401_for_the_api_and_a_redirect_for_pages(self, client: TestClient) -> None:
        assert client.get("/api/v1/search", params={"q": "diffusion"}).status_code == 401
        page = client.get("/search", follow_redirects=False)
        assert page.status_code == 303 and page.headers["location"].startswith("/login")


class TestViewerPages:
    def test_a_viewer_lands_on_discovery_and_sees_no_pipeline(self, as_role: Callable[[str], Signed]) -> None:
        who = as_role("viewer")
        home = who.client.get("/", follow_redirects=False)
        assert home.status_code == 303 and home.headers["location"] == "/search"
        page = who.client.get("/search", params={"q": "diffusion"}).text
        assert "Cleo Stone" in page and "Add to pipeline" not in page and 'href="/board"' not in page
        assert who.client.get("/board").status_code == 403
