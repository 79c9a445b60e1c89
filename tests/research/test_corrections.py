"""Identity corrections: planned against the store, applied at once by a patch, and kept by every rebuild."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from tests.research.test_build import snapshot

from labscout.errors import ConflictError, InvalidError, NotFoundError
from labscout.identity.constraints import Corrections, PersonCorrection, mention_key
from labscout.research import corrections as planning
from labscout.research import patch
from labscout.research.build import build_store
from labscout.research.store import ResearchStore

DATA = Path(__file__).parent.parent / "data" / "paperlists"
TSINGHUA_PAPER = "iclr2021-c98932a01ec27f13"


@pytest.fixture()
def store(tmp_path: Path, built_store: Path) -> Path:
    dest = tmp_path / "research.duckdb"
    shutil.copyfile(built_store, dest)
    return dest


def yang_lius(path: Path) -> dict[str, set[str]]:
    """Person id -> papers, for every person written 'Yang Liu'."""
    with ResearchStore(path) as s:
        rows = s.rows("SELECT person_id, paper_id FROM authorships WHERE raw_name = 'Yang Liu'")
    found: dict[str, set[str]] = {}
    for row in rows:
        found.setdefault(row["person_id"], set()).add(row["paper_id"])
    return found


def by_paper(path: Path, paper: str) -> str:
    return next(pid for pid, papers in yang_lius(path).items() if paper in papers)


def alibaba_and_tsinghua(path: Path) -> tuple[str, str]:
    with ResearchStore(path) as s:
        row = s.one("SELECT person_id FROM authorships WHERE raw_name = 'Yang Liu' AND org_id = 'alibaba'")
        assert row is not None
    return row["person_id"], by_paper(path, TSINGHUA_PAPER)


def apply(path: Path, *corrections: patch.Correction) -> patch.PatchResult:
    with patch.store_lock(path):
        return patch.apply_corrections(path, list(corrections))


class TestPlanning:
    def test_merging_a_person_with_themself_is_refused(self, store: Path) -> None:
        alibaba, _ = alibaba_and_tsinghua(store)
        with ResearchStore(store) as s, pytest.raises(InvalidError, match="same person"):
            planning.plan_merge(s, "c1", alibaba, alibaba)

    def test_unknown_person_is_not_found(self, store: Path) -> None:
        with ResearchStore(store) as s, pytest.raises(NotFoundError):
            planning.plan_merge(s, "c1", "p0000000000", "Lucas Beyer")

    def test_co_authors_cannot_be_merged(self, store: Path) -> None:
        with ResearchStore(store) as s, pytest.raises(InvalidError, match="co-authors"):
            planning.plan_merge(s, "c1", "Lucas Beyer", "Xiaohua Zhai")

    def test_splitting_off_papers_that_are_not_theirs_is_refused(self, store: Path) -> None:
        with ResearchStore(store) as s, pytest.raises(InvalidError, match="not papers of"):
            planning.plan_split(s, "c1", "Lucas Beyer", papers=["acl2022-26d4696cd9ea6bcf"])

    def test_splitting_off_everything_is_refused(self, store: Path) -> None:
        with ResearchStore(store) as s, pytest.raises(InvalidError, match="every paper"):
            planning.plan_split(s, "c1", "Omer Goldman", name_variant="Omer Goldman")

    def test_split_by_years_names_the_mentions_of_those_years(self, store: Path) -> None:
        with ResearchStore(store) as s:
            plan = planning.plan_split(s, "c1", "Lucas Beyer", years=(2023, 2023))
        assert plan.together == {mention_key("nips2023-268240e9e7a9ebdc", 1)}
        assert len(plan.apart) == 3

    def test_alias_to_an_unknown_organisation_is_refused(self, store: Path) -> None:
        with ResearchStore(store) as s, pytest.raises(NotFoundError):
            planning.plan_org_alias(s, "c1", "Some Lab", "no such organisation anywhere")

    def test_a_parent_loop_is_refused(self, store: Path) -> None:
        with ResearchStore(store) as s, pytest.raises(InvalidError, match="loop"):
            planning.plan_org_settings(s, "c1", "alphabet", parent="google-research")


class TestPatch:
    def test_merge_then_split_back(self, store: Path) -> None:
        alibaba, tsinghua = alibaba_and_tsinghua(store)
        with ResearchStore(store) as s:
            merge = planning.plan_merge(s, "c1", alibaba, tsinghua)
        result = apply(store, merge)
        assert result.seconds < 5
        merged = yang_lius(store)
        assert len(merged) == 2  # the NeurIPS Yang Liu stays apart
        with ResearchStore(store) as s:
            kept = by_paper(store, TSINGHUA_PAPER)
            person = s.one("SELECT n_papers FROM people WHERE person_id = ?", [kept])
            assert person == {"n_papers": 3}
            gone = ({alibaba, tsinghua} - {kept}).pop()
            assert s.one("SELECT 1 AS x FROM people WHERE person_id = ?", [gone]) is None
            assert s.one("SELECT new_person_id, cause FROM person_redirects WHERE old_person_id = ?", [gone]) == {
                "new_person_id": kept, "cause": "merge"}
            split = planning.plan_split(s, "c2", kept, papers=[TSINGHUA_PAPER])
        apply(store, split)
        assert len(yang_lius(store)) == 3
        assert by_paper(store, TSINGHUA_PAPER) != by_paper(store, "iclr2021-a38a4a15fe7231c4")

    def test_two_users_merging_the_same_people_get_a_conflict(self, store: Path) -> None:
        alibaba, tsinghua = alibaba_and_tsinghua(store)
        with ResearchStore(store) as s:
            first = planning.plan_merge(s, "c1", alibaba, tsinghua)
            second = planning.plan_merge(s, "c2", tsinghua, alibaba)
        apply(store, first)
        before = snapshot(store)
        with pytest.raises(ConflictError, match="one person already"):
            apply(store, second)
        assert snapshot(store) == before

    def test_a_failed_patch_leaves_the_store_and_no_temporary_file(self, store: Path) -> None:
        before = snapshot(store)
        stale = PersonCorrection("c9", "merge", frozenset({"nowhere#0", "nowhere#1"}))
        with pytest.raises(ConflictError):
            apply(store, stale)
        assert snapshot(store) == before
        assert sorted(p.name for p in store.parent.iterdir()) == ["research.duckdb", "research.duckdb.lock"]

    def test_org_alias_and_settings_apply_at_once(self, store: Path) -> None:
        with ResearchStore(store) as s:
            alias = planning.plan_org_alias(s, "c1", "Alibaba Group US", "tsinghua")
            setting = planning.plan_org_settings(s, "c2", "umontreal", kind="government_nonprofit", country="fr")
        apply(store, alias, setting)
        with ResearchStore(store) as s:
            assert s.one("SELECT org_id, org_method FROM authorships WHERE raw_affiliation = 'Alibaba Group US'"
                         ) == {"org_id": "tsinghua", "org_method": "correction"}
            person = s.one("SELECT latest_org_id FROM people p JOIN authorships a USING (person_id) "
                           "WHERE a.raw_name = 'Fei Huang'")
            assert person == {"latest_org_id": "tsinghua"}
            assert s.one("SELECT kind, country FROM organisations WHERE org_id = 'umontreal'") == {
                "kind": "government_nonprofit", "country": "FR"}


class TestRebuild:
    def test_ids_are_stable_across_rebuilds(self, store: Path) -> None:
        before = snapshot(store)["authorships"]
        build_store([DATA], store)
        assert snapshot(store)["authorships"] == before
        with ResearchStore(store) as s:
            assert s.rows("SELECT * FROM person_redirects") == []

    def test_corrections_survive_a_full_rebuild_and_agree_with_the_patch(self, store: Path) -> None:
        alibaba, tsinghua = alibaba_and_tsinghua(store)
        with ResearchStore(store) as s:
            merge = planning.plan_merge(s, "c1", alibaba, tsinghua)
            alias = planning.plan_org_alias(s, "c2", "Alibaba Group US", "tsinghua")
        apply(store, merge, alias)
        patched = snapshot(store)
        summary = build_store([DATA], store, corrections=Corrections(people=[merge], org_aliases=[alias]))
        assert summary.stale_corrections == []
        rebuilt = snapshot(store)
        for table in ("people", "person_years", "person_names"):
            assert rebuilt[table] == patched[table], table
        with ResearchStore(store) as s:
            kept = by_paper(store, TSINGHUA_PAPER)
            split = planning.plan_split(s, "c3", kept, papers=[TSINGHUA_PAPER])
        apply(store, split)
        build_store([DATA], store, corrections=Corrections(people=[merge, split], org_aliases=[alias]))
        assert len(yang_lius(store)) == 3
        assert by_paper(store, TSINGHUA_PAPER) != by_paper(store, "iclr2021-a38a4a15fe7231c4")

    def test_a_split_outranks_a_shared_openreview_id(self, store: Path) -> None:
        with ResearchStore(store) as s:
            split = planning.plan_split(s, "c1", "Omer Goldman", papers=["acl2022-26d4696cd9ea6bcf"])
        build_store([DATA], store, corrections=Corrections(people=[split]))
        with ResearchStore(store) as s:
            n = s.one("SELECT count(DISTINCT person_id) AS n FROM authorships WHERE raw_name = 'Omer Goldman'")
        assert n == {"n": 2}

    def test_a_correction_whose_papers_vanished_is_reported(self, store: Path) -> None:
        gone = PersonCorrection("c7", "merge", frozenset({"vanished-paper#0", "vanished-paper#1"}))
        summary = build_store([DATA], store, corrections=Corrections(people=[gone]))
        assert [s.correction_id for s in summary.stale_corrections] == ["c7"]

    def test_stable_ids_follow_the_bigger_part(self, store: Path) -> None:
        with ResearchStore(store) as s:
            beyer = s.one("SELECT person_id FROM authorships WHERE raw_name = 'Lucas Beyer' LIMIT 1")
            assert beyer is not None
            split = planning.plan_split(s, "c1", "Lucas Beyer", years=(2023, 2023))
        build_store([DATA], store, corrections=Corrections(people=[split]))
        con = duckdb.connect(str(store), read_only=True)
        try:
            ids = dict(con.execute("SELECT paper_id, person_id FROM authorships WHERE raw_name = 'Lucas Beyer'"
                                   ).fetchall())
            redirects = con.execute("SELECT old_person_id, mentions, cause FROM person_redirects").fetchall()
        finally:
            con.close()
        assert ids["nips2023-268240e9e7a9ebdc"] != beyer["person_id"]
        assert sum(1 for pid in ids.values() if pid == beyer["person_id"]) == 3
        assert redirects == [(beyer["person_id"], 1, "rebuild")]
