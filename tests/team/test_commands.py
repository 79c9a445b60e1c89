"""`labscout team ...` and `labscout seating ...` end to end on the small world, SQLite under LABSCOUT_HOME."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from labscout.cli import app

runner = CliRunner()
EXEC = "boss@lab.example"


@pytest.fixture()
def home(world: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    shutil.copyfile(world, home / "research.duckdb")
    monkeypatch.setenv("LABSCOUT_HOME", str(home))
    first = runner.invoke(app, ["user", "add", EXEC, "--name", "Boss", "--role", "executive", "--password",
                                "long enough pw"])
    assert first.exit_code == 0, first.output
    monkeypatch.setenv("LABSCOUT_USER", EXEC)
    for args in (["plan", "set", "head of research", "--slots", "1", "--budget", "30000000"],
                 ["plan", "set", "researcher", "--slots", "2", "--budget", "40000000"],
                 ["team", "topic", "set", "diffusion", "--role", "researcher", "--min", "1"],
                 ["team", "topic", "set", "reinforcement learning", "--role", "researcher",
                  "--role", "head of research=2"],
                 ["pipeline", "add", "--person", "Cleo Stone", "--stage", "offer"],
                 ["pipeline", "add", "--person", "Ada Lovel", "--stage", "meeting"],
                 ["pipeline", "add", "--person", "Eve Park"],
                 ["pipeline", "add", "--person", "Dan Ray", "--role", "head of research", "--stage", "accepted"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, (args, result.output)
    return home


def invoke_json(args: list[str], code: int = 0) -> object:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == code, result.output
    return orjson.loads(result.stdout)


def test_propose_what_if_costs_and_coverage(home: Path) -> None:
    assert runner.invoke(app, ["team", "cost", "set", "1", "--estimate", "35000000", "--note", "asks 35M"]
                         ).exit_code == 0
    slate = invoke_json(["team", "propose"])
    assert isinstance(slate, dict)
    # Dan, hired without an offer, commits the head of research's 30M: 40M are left, Cleo takes 35M
    assert [p["candidate"] for p in slate["picks"]] == ["Cleo Stone"]
    assert {k: slate[k] for k in ("total_cost", "budget", "committed", "optimal")} == {
        "total_cost": 35_000_000, "budget": 70_000_000, "committed": 30_000_000, "optimal": True}
    assert slate["objective"] > 0 and slate["gap"] <= 1e-6 and set(slate["greedy"]) >= {"objective", "cost"}
    changed = invoke_json(["team", "propose", "--without", "1"])
    assert isinstance(changed, dict) and [p["candidate"] for p in changed["removed"]] == ["Cleo Stone"]
    assert {p["candidate"] for p in changed["added"]} == {"Ada Lovel", "Eve Park"}
    text = runner.invoke(app, ["team", "propose", "--plus-budget", "10000000"])
    assert text.exit_code == 0 and "budget +10,000,000" in text.output
    costs = invoke_json(["team", "cost", "list"])
    assert isinstance(costs, list) and costs[0]["cost_source"] in ("estimate", "plan")
    chance = runner.invoke(app, ["team", "chance", "set", "meeting", "0.5"])
    assert chance.exit_code == 0 and "chance 50% (team)" in chance.output
    cover = invoke_json(["team", "coverage", "--top", "3"])
    assert isinstance(cover, list) and cover[0]["topic"] == "diffusion" and cover[0]["in_pipeline"] == 2


def test_infeasible_slates_exit_non_zero_and_say_why(home: Path) -> None:
    assert runner.invoke(app, ["plan", "budget", "10"]).exit_code == 0
    result = runner.invoke(app, ["team", "propose", "--must", "1", "--must", "2", "--must", "3"])
    assert result.exit_code == 1
    assert "cannot hold: slots: 3 must-haves for 'researcher' but 2 open slot(s)" in " ".join(result.output.split())
    bad = runner.invoke(app, ["team", "cost", "set", "1", "--chance", "7"])
    assert bad.exit_code == 1 and "chance: a chance is between 0 and 1" in bad.output


def test_seating_assign_show_and_a_bad_floor(home: Path, tmp_path: Path) -> None:
    floor = tmp_path / "hq.csv"
    floor.write_text("desk,x,y,occupant\nCEO,0,0,CEO\nA,1,0\nB,2,0\n")
    out = tmp_path / "seats.csv"
    seated = invoke_json(["seating", "assign", str(floor), "--csv", str(out)])
    assert isinstance(seated, dict) and seated["floor"] == "hq"
    assert [(a["desk"], a["person"], a["distance"]) for a in seated["assignments"]] == [
        ("A", "Dan Ray", 1.0), ("B", "Cleo Stone", 2.0)]  # the head of research first; Cleo is at the offer stage
    assert seated["objective"] > 0 and "Dan Ray" in out.read_text()
    shown = invoke_json(["seating", "show"])
    assert isinstance(shown, dict) and shown["assignments"] == seated["assignments"]
    floor.write_text("desk,x,y\nA,1,0\nB,,0\n")
    bad = runner.invoke(app, ["seating", "assign", str(floor)])
    assert bad.exit_code == 2 and "record 2, field 'x': desk has no x coordinate" in " ".join(bad.output.split())
    missing = runner.invoke(app, ["seating", "assign", str(tmp_path / "nope.csv")])
    assert missing.exit_code == 2 and "nope.csv" in missing.output


def test_json_output_is_only_json_in_a_real_process(home: Path) -> None:
    # HiGHS prints a banner on its first solver of a process: it must not reach stdout.
    command = Path(sys.executable).with_name("labscout")
    done = subprocess.run([str(command), "team", "propose", "--json"], capture_output=True, env={**os.environ},
                          timeout=300, check=False)
    assert done.returncode == 0, done.stderr.decode()
    assert isinstance(orjson.loads(done.stdout), dict)
