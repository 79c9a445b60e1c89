"""The discovery commands end to end: tables, JSON, and clear errors with a non-zero exit."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from labscout.cli import app

runner = CliRunner()


@pytest.fixture()
def home(world: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("LABSCOUT_HOME", str(world.parent))
    return world.parent


class TestCommands:
    def test_find_json(self, home: Path) -> None:
        result = runner.invoke(app, ["find", "diffusion", "--top", "2", "--json"])
        assert result.exit_code == 0, result.output
        found = orjson.loads(result.stdout)
        hits = found["experts"]  # each as `find --json` always printed it, every field kept
        assert hits[0]["name"] == "Cleo Stone" and hits[0]["evidence"] and len(hits) == 2
        assert set(hits[0]) >= {"rank", "person_id", "name", "score", "parts", "papers_on_topic", "evidence", "org_id",
                                "org", "org_year", "position", "first_year", "last_year"}
        assert found["people"] == [] and found["offset"] == 0 and found["limit"] == 2 and found["has_more"]

    def test_find_table(self, home: Path) -> None:
        result = runner.invoke(app, ["find", "graph neural networks"])
        assert result.exit_code == 0 and "Ben Kim" in result.stdout

    def test_find_by_name_lists_the_people_called_so_first(self, home: Path) -> None:
        # "Yejin Choi" once answered "No papers match": one box (and one command) for topics and names.
        result = runner.invoke(app, ["find", "Ada Lovel"])
        assert result.exit_code == 0, result.output
        called, _, rest = result.stdout.partition("People called 'Ada Lovel'")
        assert rest and not called.strip()  # the people first, then any topic results
        shown = runner.invoke(app, ["person", "show", "Ada Lovel", "--json"])
        assert orjson.loads(shown.stdout)["person"]["person_id"] in rest
        # Scripts get the same answer: the people called so first, then the experts on it as a topic.
        as_json = orjson.loads(runner.invoke(app, ["find", "Ada Lovel", "--json"]).stdout)
        assert list(as_json)[:3] == ["query", "people", "experts"]
        assert [p["name"] for p in as_json["people"]] == ["Ada Lovel"]
        assert as_json["people"][0]["person_id"] in rest and as_json["people"][0]["n_papers"] == 5

    @pytest.mark.parametrize("query", ["graph --", "-graph", '"graph"', "graph AND networks", "x " * 2600])
    def test_find_takes_any_text(self, home: Path, query: str) -> None:
        # A query starting with "-" follows "--", as on any command line.
        result = runner.invoke(app, ["find", "--", query])
        assert result.exit_code == 0, result.output
        assert "Traceback" not in result.output

    def test_eval_held_out(self, home: Path) -> None:
        result = runner.invoke(app, ["eval", "ranking", "--held-out", "2", "--seed", "3", "--json"])
        assert result.exit_code == 0, result.output
        report = orjson.loads(result.stdout)
        assert report["papers"] == 2 and report["seed"] == 3
        assert report["methods"][0]["method"] == "LabScout"
        assert all(0 <= m["found_at"]["100"] <= 1 for m in report["methods"])

    @pytest.mark.parametrize("args", [["find", "the of"], ["find", "AND"], ["eval", "ranking", "--held-out", "0"],
                                      ["find", "diffusion", "--seniority", "old"],
                                      ["find", "diffusion", "--org", "Nowhere Institute of Nothing"],
                                      ["moves", "--from", "Nowhere Institute of Nothing"],
                                      ["intro", "--to", "Ada Lovel"], ["intro", "--to", "Nobody", "--via-org", "mit"],
                                      ["retention", "Nowhere Institute of Nothing"]])
    def test_bad_input_is_a_message_not_a_trace(self, home: Path, args: list[str]) -> None:
        result = runner.invoke(app, args)
        assert result.exit_code != 0
        assert "Traceback" not in result.output and "error" in result.output.lower()

    def test_moves_flows_retention_intro(self, home: Path, tmp_path: Path) -> None:
        moved = runner.invoke(app, ["moves", "--to", "openai", "--json"])
        assert {m["name"] for m in orjson.loads(moved.stdout)} == {"Ada Lovel", "Finn Cho"}
        flows = runner.invoke(app, ["flows", "--min-people", "1", "--json"])
        assert flows.exit_code == 0 and orjson.loads(flows.stdout)
        kept = runner.invoke(app, ["retention", "alphabet", "--json"])
        assert orjson.loads(kept.stdout)["destinations"] == {"OpenAI": 2}
        ours = tmp_path / "ours.txt"
        ours.write_text("# our people\nBen Kim\n")
        intro = runner.invoke(app, ["intro", "--to", "Ada Lovel", "--via", str(ours), "--json"])
        assert intro.exit_code == 0, intro.output
        assert orjson.loads(intro.stdout)[0]["names"] == ["Ben Kim", "Dan Ray", "Ada Lovel"]

    def test_eval_ranking_prints_a_table(self, home: Path) -> None:
        result = runner.invoke(app, ["eval", "ranking", "--k", "5"])
        assert result.exit_code == 0, result.output
        assert "CSRankings-style" in result.stdout and "mean" in result.stdout

    def test_person_show_has_topics_and_moves(self, home: Path) -> None:
        result = runner.invoke(app, ["person", "show", "Ada Lovel", "--json"])
        data = orjson.loads(result.stdout)
        assert data["topics"][0][0] == "reinforcement learning"
        assert data["moves"][0]["to_org"] == "OpenAI"
