"""The labscout command end to end, on the fixture corpus, with LABSCOUT_HOME in a temporary folder."""

from __future__ import annotations

from pathlib import Path

import duckdb
import orjson
import pytest
from typer.main import get_command
from typer.testing import CliRunner

from labscout.cli import app
from labscout.research.store import ResearchStore

DATA = Path(__file__).parent / "data" / "paperlists"
runner = CliRunner()


@pytest.fixture()
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("LABSCOUT_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.fixture()
def ingested(home: Path) -> Path:
    result = runner.invoke(app, ["ingest", str(DATA)])
    assert result.exit_code == 0, result.output
    return home


def all_command_paths(*, leaves_only: bool = False) -> list[list[str]]:
    paths: list[list[str]] = []

    def walk(command: object, prefix: list[str]) -> None:
        subcommands = getattr(command, "commands", {})
        if not (leaves_only and subcommands):
            paths.append(prefix)
        for name, sub in subcommands.items():
            walk(sub, [*prefix, name])

    walk(get_command(app), [])
    return paths


def leaf_command_paths() -> list[list[str]]:
    return all_command_paths(leaves_only=True)


class TestHelp:
    @pytest.mark.parametrize("path", all_command_paths(), ids=lambda p: " ".join(p) or "labscout")
    def test_every_command_has_help(self, path: list[str]) -> None:
        result = runner.invoke(app, [*path, "--help"])
        assert result.exit_code == 0
        assert "Usage" in result.output


class TestIngest:
    def test_summary_and_store_under_home(self, home: Path) -> None:
        result = runner.invoke(app, ["ingest", str(DATA)])
        assert result.exit_code == 0, result.output
        assert "papers" in result.output and "12" in result.output
        assert (home / "research.duckdb").exists()

    def test_json_summary(self, home: Path) -> None:
        result = runner.invoke(app, ["ingest", str(DATA), "--json"])
        summary = orjson.loads(result.stdout)
        assert (summary["papers"], summary["authorships"], summary["files"]) == (12, 25, 4)

    def test_bad_file_is_named_and_exit_is_non_zero(self, home: Path, tmp_path: Path) -> None:
        bad = tmp_path / "bad"
        bad.mkdir()
        (bad / "icml2020.json").write_text('{"not": "a list"}')
        result = runner.invoke(app, ["ingest", str(bad)])
        assert result.exit_code == 2
        assert "icml2020.json" in result.output and "expected a JSON array" in result.output
        assert "Traceback" not in result.output
        assert not (home / "research.duckdb").exists()

    def test_a_store_built_by_an_older_version_is_rebuilt_by_ingest(self, home: Path) -> None:
        # The refusal tells the user to run `labscout ingest PATH`; that ingest once refused too, reading the old
        # store for the watch alerts before replacing it.
        assert runner.invoke(app, ["ingest", str(DATA)]).exit_code == 0
        con = duckdb.connect(str(home / "research.duckdb"))
        try:
            con.execute("UPDATE build_info SET value = '2' WHERE key = 'schema_version'")
        finally:
            con.close()
        refused = runner.invoke(app, ["person", "show", "Ada Lovelace", "--json"])
        assert refused.exit_code != 0 and "labscout ingest PATH" in refused.output
        again = runner.invoke(app, ["ingest", str(DATA), "--json"])
        assert again.exit_code == 0, again.output
        assert orjson.loads(again.stdout)["papers"] == 12
        with ResearchStore(home / "research.duckdb") as rebuilt:  # of this version again
            assert rebuilt.one("SELECT count(*) AS n FROM papers") == {"n": 12}

    def test_missing_path(self, home: Path) -> None:
        result = runner.invoke(app, ["ingest", "/no/such/folder"])
        assert result.exit_code == 2
        assert "no such file or folder" in result.output


class TestPersonShow:
    def test_json_profile_with_papers_and_timeline(self, ingested: Path) -> None:
        result = runner.invoke(app, ["person", "show", "Lucas Beyer", "--json"])
        assert result.exit_code == 0, result.output
        profile = orjson.loads(result.stdout)
        assert profile["person"]["name"] == "Lucas Beyer"
        assert len(profile["papers"]) == 4
        assert profile["latest_org"]["name"] == "Google DeepMind"  # his Google Brain, now
        assert {p["source_file"].rsplit("/", 1)[-1] for p in profile["papers"]} == {
            "iclr2021.json", "cvpr2022.json", "nips2023.json"}

    def test_table_output(self, ingested: Path) -> None:
        result = runner.invoke(app, ["person", "show", "lucas beyer"])
        assert result.exit_code == 0
        assert "Career timeline" in result.output and "Google Brain" in result.output

    def test_ambiguous_name_lists_candidates(self, ingested: Path) -> None:
        result = runner.invoke(app, ["person", "show", "Yang Liu"])
        assert result.exit_code == 2
        assert "people are called 'Yang Liu'" in result.output

    def test_unknown_person_suggests_close_names(self, ingested: Path) -> None:
        result = runner.invoke(app, ["person", "show", "Lucas Bayer"])
        assert result.exit_code == 1
        assert "Lucas Beyer" in result.output

    def test_no_store_yet(self, home: Path) -> None:
        result = runner.invoke(app, ["person", "show", "Lucas Beyer"])
        assert result.exit_code == 1
        assert "labscout ingest" in result.output


class TestOrgShow:
    def test_by_domain(self, ingested: Path) -> None:
        result = runner.invoke(app, ["org", "show", "google.com", "--json"])
        assert result.exit_code == 0, result.output
        profile = orjson.loads(result.stdout)
        # google.com is the company: Google, under Alphabet, with its labs (Google Brain among them) under it.
        assert profile["org"]["name"] == "Google"
        assert profile["parent"]["org_id"] == "alphabet"
        assert {"Google Brain", "Google DeepMind", "Google Research"} <= {c["name"] for c in profile["children"]}
        assert "Lucas Beyer" in {p["name"] for p in profile["people"]}

    def test_unknown_org(self, ingested: Path) -> None:
        result = runner.invoke(app, ["org", "show", "Nonexistent Widget Co"])
        assert result.exit_code == 1
        assert "no organisation called" in result.output


class TestDocumented:
    def test_every_command_is_in_the_readme(self) -> None:
        readme = (Path(__file__).parent.parent / "README.md").read_text()
        for path in leaf_command_paths():
            assert "labscout " + " ".join(path) in readme, f"'labscout {' '.join(path)}' is undocumented"
