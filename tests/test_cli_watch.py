"""The watching and OpenAlex commands end to end: a loopback OpenAlex, LABSCOUT_HOME in a temporary folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from labscout.cli import app
from openalex_server import Replay, forbidden, openalex_server

DATA = Path(__file__).parent / "data"
runner = CliRunner()


@pytest.fixture()
def server() -> Iterator[tuple[str, Replay]]:
    with openalex_server() as found:
        yield found


@pytest.fixture()
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, server: tuple[str, Replay]) -> Path:
    monkeypatch.setenv("LABSCOUT_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("LABSCOUT_OPENALEX_URL", server[0])
    monkeypatch.setenv("LABSCOUT_OPENALEX_MAILTO", "team@lab.example")
    monkeypatch.delenv("LABSCOUT_USER", raising=False)  # the first user needs nobody to act as
    assert runner.invoke(app, ["ingest", str(DATA / "paperlists")]).exit_code == 0
    made = runner.invoke(app, ["user", "add", "boss@lab.example", "--name", "Boss", "--role", "executive",
                               "--password", "correct horse battery"])
    assert made.exit_code == 0, made.output
    monkeypatch.setenv("LABSCOUT_USER", "boss@lab.example")  # instead of --as on every command
    return tmp_path / "home"


def ok(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_fetch_ingest_and_read_the_alert(home: Path, server: tuple[str, Replay]) -> None:
    ok("watch", "add", "Lucas Beyer", "--note", "vision")
    fetched = orjson.loads(ok("sources", "openalex", "works", "--person", "Lucas Beyer", "--json"))
    assert fetched["works"] == 3 and fetched["file"].endswith("openalex/author-A5023888391.jsonl.gz")
    assert all(s["mailto"] == "team@lab.example" for s in server[1].seen)
    built = orjson.loads(ok("ingest", str(DATA / "paperlists"), str(home / "openalex"), "--json"))
    assert built["alerts"]["by_kind"] == {"new_organisation": 1} and built["works_folded"] == 1
    (alert,) = orjson.loads(ok("alerts", "list", "--json"))
    assert alert["title"] == "Lucas Beyer: OpenAI (2025)"
    assert orjson.loads(ok("alerts", "list", "--unread", "--json")) == []
    shown = orjson.loads(ok("person", "show", "Lucas Beyer", "--json"))
    assert {"year": 2025, "org_id": "openai", "sources": ["openalex"]} in shown["fact_sources"]


def test_a_refusing_api_is_a_clear_error_and_nothing_is_written(home: Path, server: tuple[str, Replay]) -> None:
    server[1].faults.append(forbidden())
    result = runner.invoke(app, ["sources", "openalex", "works", "--author", "A5023888391", "--json"])
    assert result.exit_code == 1
    error = orjson.loads(result.stdout)["error"]
    assert error["kind"] == "unavailable" and "403" in error["message"] and "/works?" in error["message"]
    assert not list((home / "openalex").glob("*.jsonl.gz"))


def test_the_watch_commands(home: Path) -> None:
    ok("org", "mark", "OpenAI", "rival")
    assert [m["org_id"] for m in orjson.loads(ok("org", "marked", "--json"))] == ["openai"]
    ok("org", "unmark", "openai")
    saved = orjson.loads(ok("search", "save", "vision", "vision transformers", "--json"))
    assert orjson.loads(ok("search", "list", "--json"))[0]["name"] == "vision"
    ok("search", "remove", str(saved["id"]))
    watched = orjson.loads(ok("watch", "add", "Lucas Beyer", "--json"))
    assert [w["person_id"] for w in orjson.loads(ok("watch", "list", "--json"))] == [watched["person_id"]]
    ok("watch", "remove", watched["person_id"])
    assert orjson.loads(ok("alerts", "daily", "on", "--json")) == {"daily_digest": True}
    assert orjson.loads(ok("alerts", "check", "--json"))["alerts"] == 0
    refused = runner.invoke(app, ["org", "mark", "OpenAI", "friend", "--json"])
    assert refused.exit_code == 1 and orjson.loads(refused.stdout)["error"]["field"] == "relation"


def test_fetch_by_orcid_topic_and_institution(home: Path, server: tuple[str, Replay]) -> None:
    def fetch(*args: str) -> dict[str, object]:
        found: dict[str, object] = orjson.loads(ok("sources", "openalex", "works", *args, "--json"))
        return found

    assert fetch("--orcid", "0000-0002-1825-0097")["works"] == 1
    assert fetch("--topic", "morphological inflection")["works"] == 1
    # One of our organisations by name: LabScout's ROR id for it, no lookup at OpenAlex.
    cmu = fetch("--institution", "Carnegie Mellon University")
    assert (cmu["works"], cmu["rejected"]) == (1, 1) and str(cmu["file"]).endswith("institution-05x2bcf33.jsonl.gz")
    # One LabScout knows no ROR id for: OpenAlex's institution of that name.
    seen = len(server[1].seen)
    bar_ilan = fetch("--institution", "Bar-Ilan University")
    assert bar_ilan["works"] == 1 and str(bar_ilan["file"]).endswith("institution-I13955877.jsonl.gz")
    assert [s["path"] for s in server[1].seen[seen:]] == ["/institutions", "/works"]
    unknown = runner.invoke(app, ["sources", "openalex", "works", "--institution", "Nowhere Institute", "--json"])
    assert unknown.exit_code == 1
    error = orjson.loads(unknown.stdout)["error"]
    assert error["field"] == "institution" and "Nowhere Institute" in error["message"]


def test_a_download_shows_a_progress_bar_and_says_where_it_went(home: Path) -> None:
    result = runner.invoke(app, ["sources", "openalex", "works", "--author", "A5023888391"])
    assert result.exit_code == 0, result.output
    assert "fetching works" in result.stderr and "3/3" in result.stderr
    assert "3 works in 3 pages" in result.stdout and "author-A5023888391.jsonl.gz" in result.stdout
