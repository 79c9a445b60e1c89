"""Issue 7 on the real paper lists: corrections made with the CLI survive a full re-ingest, candidates follow.

Merging two "Yang Liu" persons and splitting them back, and aliasing an organisation string, then a full
ingest: everything holds, and the candidate linked to the person that was merged and split is re-linked.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import orjson
import pytest
from tests.conftest import REAL
from typer.testing import CliRunner

from labscout.cli import app
from labscout.research.store import ResearchStore

pytestmark = pytest.mark.realdata
runner = CliRunner()


def cli(*args: str) -> dict[str, object]:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    found: dict[str, object] = orjson.loads(result.stdout)
    return found


def person_of(store: Path, paper: str, order: int) -> str:
    with ResearchStore(store) as s:
        row = s.one("SELECT person_id FROM authorships WHERE paper_id = ? AND author_order = ?", [paper, order])
    assert row is not None
    return str(row["person_id"])


def test_corrections_survive_a_full_reingest(real_store_path: Path, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LABSCOUT_HOME", str(tmp_path))
    store = tmp_path / "research.duckdb"
    shutil.copyfile(real_store_path, store)
    result = runner.invoke(app, ["user", "add", "ceo@lab.example", "--name", "Casey", "--role", "executive",
                                 "--password", "long enough secret"])
    assert result.exit_code == 0, result.output
    monkeypatch.setenv("LABSCOUT_USER", "ceo@lab.example")
    with ResearchStore(store) as s:
        two = s.rows("""SELECT person_id, any_value(a.paper_id) AS paper, any_value(a.author_order) AS slot
                        FROM people JOIN authorships a USING (person_id)
                        WHERE name = 'Yang Liu' AND n_papers BETWEEN 5 AND 30
                        GROUP BY person_id ORDER BY person_id LIMIT 2""")
        raw = s.one("""SELECT raw_affiliation AS raw, count(*) AS n FROM authorships
                       WHERE org_id IS NOT NULL AND org_id <> 'tsinghua' AND raw_affiliation LIKE '%Research%'
                       GROUP BY ALL ORDER BY n DESC LIMIT 1""")
    assert len(two) == 2 and raw is not None
    (a, paper_a, slot_a), (b, paper_b, slot_b) = ((r["person_id"], r["paper"], r["slot"]) for r in two)
    from labscout.pipeline import candidates, db
    from labscout.pipeline.candidates import CandidateIn
    from labscout.pipeline.users import actor_for_email

    engine = db.make_engine(f"sqlite:///{tmp_path / 'pipeline.sqlite'}")
    with db.session_scope(engine) as session:
        made = candidates.create_candidate(session, actor_for_email(session, "ceo@lab.example"),
                                           CandidateIn(name="Yang Liu", target_role="researcher", person_id=b))
    with ResearchStore(store) as s:
        b_papers = [r["paper_id"] for r in s.rows("SELECT paper_id FROM authorships WHERE person_id = ?", [b])]
    merged = cli("person", "merge", a, b, "--reason", "test: same person")
    assert person_of(store, paper_a, slot_a) == person_of(store, paper_b, slot_b)
    kept = person_of(store, paper_a, slot_a)
    cli("person", "split", kept, "--papers", ",".join(b_papers), "--reason", "test: split back")
    assert person_of(store, paper_a, slot_a) != person_of(store, paper_b, slot_b)
    cli("org", "alias", raw["raw"], "tsinghua", "--reason", "test alias")
    ingest = cli("ingest", str(REAL))
    assert ingest["corrections"] == 3 and ingest["stale_corrections"] == []
    assert person_of(store, paper_b, slot_b) != person_of(store, paper_a, slot_a)
    with ResearchStore(store) as s:
        held = s.one("SELECT count(DISTINCT person_id) AS n FROM authorships WHERE paper_id IN (SELECT unnest(?)) "
                     "AND raw_name = 'Yang Liu'", [b_papers])
    assert held == {"n": 1}
    with ResearchStore(store) as s:
        assert s.one("SELECT DISTINCT org_id FROM authorships WHERE raw_affiliation = ?", [raw["raw"]]) == {
            "org_id": "tsinghua"}
    with db.session_scope(engine) as session:
        linked = session.get(candidates.Candidate, made.id)
        assert linked is not None and linked.person_id == person_of(store, paper_b, slot_b)
    listed = runner.invoke(app, ["corrections", "list", "--json"])
    assert listed.exit_code == 0 and len(orjson.loads(listed.stdout)) == 3
    assert merged["kind"] == "person_merge"
    engine.dispose()
