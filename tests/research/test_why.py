"""Why a person is one person: evidence groups and confidence."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from labscout.errors import NotFoundError
from labscout.research import corrections as planning
from labscout.research import patch, queries, why
from labscout.research.store import ResearchStore


class TestExplainPerson:
    def test_an_id_is_certain(self, built_store: Path) -> None:
        with ResearchStore(built_store) as s:
            found = why.explain_person(s, queries.resolve_person(s, "Omer Goldman"))
        assert found.confidence == "certain"
        assert [(g.reason, g.mentions) for g in found.groups] == [("id", 2)]
        assert found.groups[0].identifiers == ["acl:/o/omer-goldman/"]
        assert {p.paper_id for p in found.groups[0].papers} == {"acl2022-26d4696cd9ea6bcf",
                                                                    "acl2022-6cf7e4d8a8cca657"}

    def test_groups_come_strongest_first_and_confidence_is_the_weakest_link(self, built_store: Path) -> None:
        with ResearchStore(built_store) as s:
            found = why.explain_person(s, queries.resolve_person(s, "Lucas Beyer"))
        strengths = [g.strength for g in found.groups]
        assert strengths == sorted(strengths, key=lambda x: ("certain", "strong", "moderate", "weak").index(x))
        assert sum(g.mentions for g in found.groups) == 4
        assert found.confidence == strengths[-1]

    def test_a_correction_shows_as_its_own_evidence(self, tmp_path: Path, built_store: Path) -> None:
        store = tmp_path / "research.duckdb"
        shutil.copyfile(built_store, store)
        with ResearchStore(store) as s:
            pair = [r["person_id"] for r in s.rows("SELECT DISTINCT person_id FROM authorships "
                                                   "WHERE raw_name = 'Yang Liu' ORDER BY person_id LIMIT 2")]
            merge = planning.plan_merge(s, "c1", pair[0], pair[1])
        with patch.store_lock(store):
            result = patch.apply_corrections(store, [merge])
        kept = (set(pair) - {r.old_person_id for r in result.redirects}).pop()
        with ResearchStore(store) as s:
            found = why.explain_person(s, kept)
        assert found.groups[0].reason == "correction" and found.groups[0].strength == "certain"

    def test_unknown_person(self, built_store: Path) -> None:
        with ResearchStore(built_store) as s, pytest.raises(NotFoundError):
            why.explain_person(s, "p-nobody")
