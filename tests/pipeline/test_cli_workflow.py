"""The whole recruiting workflow through the `labscout` command, on SQLite and on PostgreSQL.

Add a candidate from the research store, e-mail them over a real loopback SMTP server, log a dinner, draft,
approve, send and accept an offer, and watch the plan and budget move.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest
from typer.testing import CliRunner

from labscout.cli import app, common
from labscout.research import queries
from labscout.research.store import ResearchStore
from pgserver import PgServer
from smtpserver import SmtpServer

runner = CliRunner()
PASSWORD = "correct horse battery"


@pytest.fixture()
def smtp() -> Iterator[SmtpServer]:
    with SmtpServer() as server:
        yield server


@pytest.fixture()
def home(backend: str, pg_server: PgServer, built_store: Path, tmp_path: Path, smtp: SmtpServer,
         monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    shutil.copyfile(built_store, home / "research.duckdb")
    monkeypatch.setenv("LABSCOUT_HOME", str(home))
    monkeypatch.delenv("LABSCOUT_USER", raising=False)
    if backend == "postgresql":
        # an empty database: the command itself builds the schema with Alembic
        monkeypatch.setenv("LABSCOUT_DATABASE_URL", pg_server.url(pg_server.create_database()))
    else:
        monkeypatch.delenv("LABSCOUT_DATABASE_URL", raising=False)
    monkeypatch.setenv("LABSCOUT_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("LABSCOUT_SMTP_PORT", str(smtp.port))
    monkeypatch.setenv("LABSCOUT_SMTP_FROM", "talent@lab.example")
    return home


def cli(*args: str, ok: bool = True) -> Any:
    result = runner.invoke(app, [*args, "--json"] if ok else list(args))
    if ok:
        assert result.exit_code == 0, result.output
        return orjson.loads(result.stdout)
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    return result.output


def test_search_to_signature(home: Path, smtp: SmtpServer) -> None:
    with ResearchStore(home / "research.duckdb") as store:
        colleague = queries.resolve_person(store, "Michael Tschannen")
    cli("user", "add", "exec@lab.example", "--name", "Erin Exec", "--role", "executive", "--password", PASSWORD)
    for email, name, role, extra in (("hr@lab.example", "Hana HR", "hr", []),
                                     ("rec@lab.example", "Remy Recruiter", "recruiter", ["--person", colleague])):
        cli("user", "add", email, "--name", name, "--role", role, "--password", PASSWORD, *extra,
            "--as", "exec@lab.example")
    ex, hr, rec = ("--as", "exec@lab.example"), ("--as", "hr@lab.example"), ("--as", "rec@lab.example")

    cli("plan", "set", "head of research", "--slots", "1", "--budget", "20000000", *ex)
    cli("plan", "set", "researcher", "--slots", "35", "--budget", "105000000", *ex)
    cli("plan", "budget", "140000000", *ex)

    # a search result becomes a candidate: name and organisation come from the research store
    added = cli("pipeline", "add", "--from-search", "vision transformers", "--pick", "1", "--role", "researcher",
                "--email", "lucas@example.org", "--tag", "vision", *rec)
    cid = str(added["id"])
    assert (added["name"], added["affiliation"], added["stage"]) == ("Lucas Beyer", "Google DeepMind", "identified")
    assert added["source"] == "search" and added["source_detail"].startswith("find 'vision transformers' result 1")
    assert "already candidate" in cli("pipeline", "add", "--person", "Lucas Beyer", *rec, ok=False)

    # outreach: a draft first, never sent without --send
    draft = cli("pipeline", "email", cid, *rec)
    assert draft["sent"] is False and smtp.inbox.messages == []
    assert "Image Captioners Are Scalable Vision Learners Too" in draft["body"]
    assert "Xiaohua Zhai" in draft["body"]  # a co-author Lucas and the recruiter's own person share
    sent = cli("pipeline", "email", cid, "--send", *rec)
    assert sent["sent"] is True and len(smtp.inbox.messages) == 1
    message = smtp.inbox.messages[0]
    assert message["To"] == "Lucas Beyer <lucas@example.org>" and message["Reply-To"] == "rec@lab.example"
    assert "Image Captioners" in message.get_content()

    cli("pipeline", "log", cid, "meeting", "--subject", "Dinner", "--place", "Chez Panisse, Berkeley",
        "--with", "Erin Exec", "--with", "Lucas Beyer", "--when", "2026-12-02T19:30", *rec)
    cli("pipeline", "move", cid, "meeting", *rec)
    cli("pipeline", "comment", cid, "@exec@lab.example dinner went well, time for an offer?", *rec)
    assert [m["candidate_id"] for m in cli("pipeline", "mentions", *ex)] == [int(cid)]

    start, expires = (date.today() + timedelta(days=70)).isoformat(), (date.today() + timedelta(days=20)).isoformat()
    offer = cli("offer", "create", cid, "--base", "450000", "--bonus", "100000", "--signing", "200000",
                "--equity", "2000000", "--gpus", "512", "--start", start, "--expires", expires, *hr)
    oid = str(offer["id"])
    assert offer["total_4y"] == 4 * 550_000 + 200_000 + 2_000_000 and offer["needs_executive"]
    cli("offer", "submit", oid, *hr)
    assert "nobody approves an offer they drafted" in cli("offer", "approve", oid, *hr, ok=False)
    cli("offer", "approve", oid, *ex)
    cli("offer", "send", oid, *hr)
    hidden = cli("offer", "show", oid, *rec)
    assert hidden["redacted"] and hidden["total_4y"] is None and hidden["base"] is None

    before = cli("plan", "show", *ex)
    assert (before["hired"], before["exposure"], before["committed"]) == (0, offer["total_4y"], 0)

    accepted = cli("offer", "accept", oid, *hr)
    assert accepted["status"] == "accepted"
    after = cli("plan", "show", *ex)
    researcher = next(r for r in after["roles"] if r["role"] == "researcher")
    assert (after["hired"], after["committed"], after["exposure"]) == (1, offer["total_4y"], 0)
    assert (researcher["hired"], researcher["open_slots"]) == (1, 34)
    assert after["remaining"] == 140_000_000 - offer["total_4y"]

    shown = cli("pipeline", "show", cid, *rec)
    assert shown["candidate"]["stage"] == "accepted"
    assert [t["to_stage"] for t in shown["transitions"]] == ["identified", "contacted", "meeting", "offer",
                                                             "accepted"]
    kinds = [e["kind"] for e in shown["timeline"]]
    assert {"email", "meeting", "comment", "offer"} <= set(kinds)
    dinner = next(e for e in shown["timeline"] if e["kind"] == "meeting")
    assert (dinner["place"], dinner["attendees"]) == ("Chez Panisse, Berkeley", ["Erin Exec", "Lucas Beyer"])
    assert any(e["subject"] == "offer 1 accepted" for e in cli("pipeline", "feed", *ex))


def test_errors_are_messages_not_tracebacks(home: Path) -> None:
    cli("user", "add", "exec@lab.example", "--name", "Erin Exec", "--role", "executive", "--password", PASSWORD)
    ex = ("--as", "exec@lab.example")
    assert "say who is acting" in cli("pipeline", "list", ok=False)
    assert "no user with e-mail ghost@lab.example" in cli("pipeline", "list", "--as", "ghost@lab.example", ok=False)
    cid = str(cli("pipeline", "add", "Grace Founder", "--role", "infrastructure engineer", *ex)["id"])
    assert "unknown stage 'hired'" in cli("pipeline", "move", cid, "hired", *ex, ok=False)
    assert "--base: must not be negative" in cli("offer", "create", cid, "--base", "-5", "--start", "2030-01-01",
                                                 "--expires", "2029-12-01", *ex, ok=False)
    # The service names the field; the command line says how it spells it.
    assert "--expires: 2020-12-01 is before" in cli("offer", "create", cid, "--base", "5", "--start",
                                                    "2030-01-01", "--expires", "2020-12-01", *ex, ok=False)
    assert "no candidate with id 999" in cli("pipeline", "erase", "999", "--reason", "request", "--yes", *ex,
                                             ok=False)


def test_backup_restores_into_a_new_database(home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cli("user", "add", "exec@lab.example", "--name", "Erin Exec", "--role", "executive", "--password", PASSWORD)
    ex = ("--as", "exec@lab.example")
    cli("pipeline", "add", "Grace Founder", "--role", "infrastructure engineer", "--tag", "founder", *ex)
    dest = tmp_path / "backup.json"
    assert cli("pipeline", "backup", str(dest), *ex)["candidates"] == 1
    # a fresh SQLite database elsewhere: restore needs no user, since there is none yet
    monkeypatch.setenv("LABSCOUT_DATABASE_URL", f"sqlite:///{tmp_path / 'new.sqlite'}")
    assert cli("pipeline", "restore", str(dest))["users"] == 1
    found = cli("pipeline", "list", *ex)
    assert [(c["name"], c["tags"]) for c in found] == [("Grace Founder", ["founder"])]
    assert "--replace" in cli("pipeline", "restore", str(dest), *ex, ok=False)


def test_export_and_erase_by_email(home: Path, tmp_path: Path) -> None:
    cli("user", "add", "exec@lab.example", "--name", "Erin Exec", "--role", "executive", "--password", PASSWORD)
    ex = ("--as", "exec@lab.example")
    cid = cli("pipeline", "add", "Grace Founder", "--email", "grace@example.org", "--role", "engineer", *ex)["id"]
    cli("pipeline", "log", str(cid), "note", "--text", "lives in Lisbon", *ex)
    out = tmp_path / "grace.json"
    result = runner.invoke(app, ["pipeline", "export-person", "grace@example.org", "--out", str(out), *ex])
    assert result.exit_code == 0, result.output
    exported = orjson.loads(out.read_bytes())
    assert exported["candidate"]["name"] == "Grace Founder"
    assert "lives in Lisbon" in [e["body"] for e in exported["timeline"]]
    erased = cli("pipeline", "erase", "grace@example.org", "--reason", "request of 2026-11-23", "--yes", *ex)
    assert erased["candidate_id"] == cid and erased["timeline_entries"] == 2
    assert "no candidate with e-mail" in cli("pipeline", "export-person", "grace@example.org", *ex, ok=False)
    trail = cli("pipeline", "audit", "--entity", "candidate", "--id", str(cid), *ex)
    assert trail[0]["action"] == "erase" and "Grace" not in orjson.dumps(trail).decode()


def text(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_tables_for_people(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cli("user", "add", "exec@lab.example", "--name", "Erin Exec", "--role", "executive", "--password", PASSWORD)
    monkeypatch.setenv("LABSCOUT_USER", "exec@lab.example")  # instead of --as on every command
    monkeypatch.setattr(common.console, "width", 200)  # whole cells, not wrapped at 80 columns
    cli("pipeline", "add", "Grace Founder", "--role", "engineer", "--tag", "founder")
    cli("pipeline", "log", "1", "meeting", "--subject", "Dinner", "--place", "Chez Panisse", "--with", "Erin Exec")
    cli("plan", "set", "engineer", "--slots", "14", "--budget", "30000000")
    cli("deal", "add", "--kind", "acqui-hire", "--company", "Tiny Lab", "--amount", "9000000")
    cli("deal", "add-person", "1", "1", "--note", "founder")
    assert "Grace Founder" in text("pipeline", "list") and "founder" in text("pipeline", "list")
    shown = text("pipeline", "show", "1")
    assert "Dinner" in shown and "Chez Panisse" in shown and "stage 'identified'" in shown
    assert "0 hired of 14 slots" in text("plan", "show")
    assert "cost per key person 9,000,000" in text("deal", "show", "1")
    assert "Tiny Lab" in text("deal", "list")
    assert "create" in text("pipeline", "audit")
    assert "identified" in text("pipeline", "stages")
    assert "not sent" in text("pipeline", "email", "1")
