"""Scripts can trust every command: with --json, stdout is one JSON document, an ambiguous name included.

Every command line of the README that takes a person's or an organisation's name is run again with an ambiguous
one ("Yang Liu" is several people of the fixture corpus; "Research Lab" is made to name two organisations):
each must print exactly one JSON document, `{"error": {"kind": "ambiguous", "matches": [...]}}`, and exit
non-zero; without --json the choices are a readable table.
"""

from __future__ import annotations

import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import orjson
import pytest
from typer.testing import CliRunner

from labscout.cli import app
from test_cli import DATA, leaf_command_paths

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()
PERSON, ORG = "Yang Liu", "Research Lab"

# Where each command takes a name: a positional argument (its index) or an option, and whose name it is.
NAME_SLOTS: dict[str, list[tuple[int | str, str]]] = {
    "person show": [(0, PERSON)], "person merge": [(0, PERSON)], "person split": [(0, PERSON)],
    "org show": [(0, ORG)], "org alias": [(1, ORG)], "org set": [(0, ORG), ("--parent", ORG)],
    "find": [("--org", ORG), ("--exclude-org", ORG)], "moves": [("--from", ORG), ("--to", ORG)],
    "flows": [("--org", ORG)], "retention": [(0, ORG)], "intro": [("--to", PERSON), ("--via-org", ORG)],
    "pipeline add": [("--person", PERSON)],
    "watch add": [(0, PERSON)], "org mark": [(0, ORG)], "sources openalex works": [("--person", PERSON)],
}
# README commands that take no name of a person or an organisation of the research store.
NO_NAME = {"ingest", "eval identity", "eval ranking", "eval pairing", "sources download", "serve", "corrections list",
           "corrections revert", "pipeline upgrade", "user add", "user list", "user deactivate", "pipeline list",
           "pipeline show", "pipeline update", "pipeline move", "pipeline stages", "pipeline log", "pipeline comment",
           "pipeline timeline", "pipeline feed", "pipeline mentions", "pipeline templates", "pipeline email",
           "pipeline relink", "pipeline audit", "pipeline export-person", "pipeline erase", "pipeline backup",
           "pipeline restore", "pipeline import", "pipeline export", "offer create", "offer submit", "offer approve",
           "offer return", "offer send", "offer accept", "offer decline", "offer withdraw", "offer show",
           "offer list", "offer expire", "offer threshold", "plan set", "plan remove", "plan budget", "plan show",
           "deal add", "deal add-person", "deal update", "deal show", "deal list", "user reactivate",
           "user password", "user role", "user sessions", "offer rule", "plan rates", "plan rate", "plan currency",
           "watch list", "search save", "search list", "org marked", "alerts list", "alerts daily", "alerts digest",
           "sources openalex refresh",
           # the team builder: topics are free text, candidates and floors go by id or file
           "team topic set", "team topic list", "team topic remove", "team cost set", "team cost list",
           "team chance set", "team chance list", "team rules", "team propose", "team coverage", "seating assign",
           "seating show"}


def readme_commands() -> list[list[str]]:
    """Every `labscout ...` line of the README's code blocks, as arguments (comments and continuations joined)."""
    found, pending = [], ""
    for line in (ROOT / "README.md").read_text().splitlines():
        if not (pending or line.startswith(".venv/bin/labscout ")):
            continue
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        found.append(shlex.split(pending + line, comments=True)[1:])
        pending = ""
    return found


def command_of(args: list[str]) -> str:
    leaves = {" ".join(p) for p in leaf_command_paths()}
    # The longest leading words that name a command: "sources openalex works" is three.
    return next((" ".join(args[:n]) for n in (3, 2) if " ".join(args[:n]) in leaves), args[0])


# Names the fixture corpus holds once, for the other names of a line while one is made ambiguous.
CLEAR = {PERSON: "Lucas Beyer", ORG: "alphabet"}


def with_ambiguous_names(args: list[str]) -> list[tuple[list[str], str | None]]:
    """The README line once per name it gives, that one made ambiguous and the others clear; with the option
    the error should name (None for a positional argument)."""
    command = command_of(args)
    rest = args[len(command.split()):]
    positional = [i for i, a in enumerate(rest) if not a.startswith("-") and
                  (i == 0 or not rest[i - 1].startswith("--") or rest[i - 1] in ("--why", "--replace"))]
    places = []
    for slot, name in NAME_SLOTS[command]:
        if isinstance(slot, int):
            places.append((positional[slot], name, None))
        elif slot in rest:
            places.append((rest.index(slot) + 1, name, slot))
    variants = []
    for at, name, option in places:
        changed = list(rest)
        for other, other_name, _ in places:
            changed[other] = name if other == at else CLEAR[other_name]
        variants.append(([*command.split(), *changed], option))
    return variants


# Names given where no README line shows them: an --org of flows, a person in the file of our people.
EXTRA = [(["flows", "--org", ORG], "--org"), (["intro", "--to", "Lucas Beyer", "--via", "ambiguous.txt"], "--via")]


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A home with the fixture corpus and one executive; every test here only fails to act, so it is shared."""
    root = tmp_path_factory.mktemp("json")
    home = root / "home"
    with pytest.MonkeyPatch.context() as env:
        env.setenv("LABSCOUT_HOME", str(home))
        env.delenv("LABSCOUT_DATABASE_URL", raising=False)
        env.delenv("LABSCOUT_USER", raising=False)
        assert runner.invoke(app, ["ingest", str(DATA), "--json"]).exit_code == 0
        # Two organisations printed the same way: what makes an organisation's name ambiguous.
        con = duckdb.connect(str(home / "research.duckdb"))
        con.execute(f"INSERT INTO org_aliases VALUES ('alibaba', '{ORG}', 'name', 'test', 3), "
                    f"('tsinghua', '{ORG}', 'name', 'test', 2)")
        con.close()
        made = runner.invoke(app, ["user", "add", "boss@lab.example", "--name", "Ada Boss", "--role", "executive",
                                   "--password", "correct horse battery", "--json"])
        assert made.exit_code == 0, made.output
        (root / "our_people.txt").write_text("Lucas Beyer\n")
        (root / "ambiguous.txt").write_text(f"Lucas Beyer\n{PERSON}\n")
        env.setenv("LABSCOUT_USER", "boss@lab.example")
        env.chdir(root)
        yield home


def one_document(stdout: str) -> Any:
    """The one JSON document on stdout (orjson refuses anything before or after it)."""
    return orjson.loads(stdout)


def test_the_readme_lists_every_command_by_whether_it_takes_a_name() -> None:
    listed = {command_of(args) for args in readme_commands()}
    assert listed <= set(NAME_SLOTS) | NO_NAME, f"say whether these take a name: {listed - set(NAME_SLOTS) - NO_NAME}"
    assert set(NAME_SLOTS) - {"flows"} <= listed  # flows takes --org, though the README shows it without


AMBIGUOUS = [v for args in readme_commands() if command_of(args) in NAME_SLOTS
             for v in with_ambiguous_names(args)] + EXTRA


@pytest.mark.parametrize(("args", "option"), AMBIGUOUS, ids=lambda a: " ".join(a) if isinstance(a, list) else "")
def test_every_readme_command_given_an_ambiguous_name_prints_json(home: Path, args: list[str],
                                                                  option: str | None) -> None:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 2, result.output
    error = one_document(result.stdout)["error"]
    assert error["kind"] == "ambiguous" and error["matches"], error
    key = "person_id" if "people" in error["message"] else "org_id"
    assert all(m[key] and m["name"] and m["n_papers"] >= 0 for m in error["matches"])
    # The error names the input as this command spells it: the option, or the positional argument's name.
    assert error["option"] == option if option else error["option"].isupper(), error


def test_without_json_an_ambiguity_is_a_table(home: Path) -> None:
    result = runner.invoke(app, ["person", "show", PERSON])
    assert result.exit_code == 2
    assert "people are called 'Yang Liu'" in result.output and "latest organisation" in result.output
    assert "n_papers=" not in result.output and "first_year=" not in result.output
    orgs = runner.invoke(app, ["moves", "--from", ORG])
    assert "--from:" in orgs.output and "Tsinghua University" in orgs.output and "org_id" not in orgs.output


@pytest.mark.parametrize("args", [["person", "show", "Nobody Atall"], ["pipeline", "show", "999"],
                                  ["offer", "create", "999", "--base", "1", "--start", "2030-01-01",
                                   "--expires", "2029-01-01"], ["find", "the of"]],
                         ids=lambda a: " ".join(a))
def test_any_other_error_is_one_json_document_too(home: Path, args: list[str]) -> None:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code != 0
    error = one_document(result.stdout)["error"]
    assert error["kind"] in ("not_found", "invalid") and error["message"]


def test_a_usage_error_with_json_is_json(home: Path) -> None:
    # Click rejects a bad option before any command runs: the entry point still answers in JSON.
    done = subprocess.run([sys.executable, "-m", "labscout.cli", "find", "diffusion", "--top", "many", "--json"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 2
    error = one_document(done.stdout)["error"]
    assert error["kind"] == "usage" and "--top" in error["message"]
