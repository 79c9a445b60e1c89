"""Building the research store: contents, idempotence, atomic swap, bad input."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from labscout.errors import BadInputError, InvalidError
from labscout.research.build import build_store
from labscout.research.store import ResearchStore

TABLES = ("papers", "people", "authorships", "organisations", "org_aliases", "person_years",
          "paper_affiliations", "person_links", "person_names", "venues", "source_files")


def snapshot(path: Path) -> dict[str, list[tuple[object, ...]]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in TABLES}
    finally:
        con.close()


class TestBuildStore:
    def test_counts(self, built_store: Path) -> None:
        with ResearchStore(built_store) as store:
            assert store.one("SELECT count(*) AS n FROM papers") == {"n": 12}
            assert store.one("SELECT count(*) AS n FROM authorships") == {"n": 25}
            decisions = store.rows("SELECT decision, count(*) AS n FROM papers GROUP BY ALL ORDER BY ALL")
            assert decisions == [{"decision": "accepted", "n": 9}, {"decision": "rejected", "n": 2},
                                 {"decision": "withdrawn", "n": 1}]

    def test_tldr_and_citations_are_columns(self, built_store: Path) -> None:
        with ResearchStore(built_store) as store:
            row = store.one("SELECT tldr, citations FROM papers WHERE title = 'Vision Transformers at Scale'")
            assert row is not None and row["citations"] == 4012 and row["tldr"].startswith("Transformers applied")

    def test_one_person_across_ids_and_name_only_records(self, built_store: Path) -> None:
        with ResearchStore(built_store) as store:
            people = store.rows(
                "SELECT DISTINCT person_id FROM authorships WHERE raw_name = 'Lucas Beyer'")
            assert len(people) == 1
            person = store.one("SELECT * FROM people WHERE person_id = ?", [people[0]["person_id"]])
            assert person is not None and person["n_papers"] == 4
            assert person["openreview_ids"] == ["~Lucas_Beyer1"]

    def test_two_openreview_ids_stay_two_people(self, built_store: Path) -> None:
        with ResearchStore(built_store) as store:
            rows = store.rows("""SELECT openreview_id, count(DISTINCT person_id) AS n FROM authorships
                                 WHERE openreview_id LIKE '~Yang_Liu%' GROUP BY ALL ORDER BY ALL""")
            assert rows == [{"openreview_id": "~Yang_Liu19", "n": 1}, {"openreview_id": "~Yang_Liu3", "n": 1}]
            ids = store.rows("""SELECT DISTINCT person_id FROM authorships
                                WHERE openreview_id LIKE '~Yang_Liu%'""")
            assert len(ids) == 2

    def test_acl_ids_join_a_person(self, built_store: Path) -> None:
        with ResearchStore(built_store) as store:
            row = store.one("SELECT count(DISTINCT person_id) AS n, count(*) AS m FROM authorships "
                            "WHERE raw_name = 'Omer Goldman'")
            assert row == {"n": 1, "m": 2}

    def test_timeline_and_latest_organisation_with_year(self, built_store: Path) -> None:
        with ResearchStore(built_store) as store:
            person = store.one("""SELECT p.* FROM people p JOIN authorships a USING (person_id)
                                  WHERE a.openreview_id = '~Lucas_Beyer1'""")
            assert person is not None
            org = store.one("SELECT * FROM organisations WHERE org_id = ?", [person["latest_org_id"]])
            # His 2021 papers say Google Brain; where he is now is what Brain became, Google DeepMind.
            assert org is not None and org["name"] == "Google DeepMind" and org["parent_id"] == "google"
            assert person["latest_org_year"] == 2021
            assert store.one("SELECT successor_id FROM organisations WHERE org_id = 'google-brain'") == {
                "successor_id": "google-deepmind"}
            years = store.rows("SELECT year, org_id FROM person_years WHERE person_id = ? ORDER BY year",
                               [person["person_id"]])
            assert [y["year"] for y in years] == [2021, 2022, 2023]

    def test_google_labs_are_organisations_of_one_family(self, built_store: Path) -> None:
        with ResearchStore(built_store) as store:
            orgs = store.rows("""SELECT alias, org_id FROM org_aliases
                                 WHERE alias IN ('Google Brain', 'Google Research', 'google.com') ORDER BY alias""")
            assert {r["org_id"] for r in orgs} <= {"google-brain", "google-research", "google"}
            groups = store.rows("""SELECT DISTINCT group_id FROM org_relations
                                   WHERE org_id IN ('google-brain', 'google-research', 'google')""")
            assert groups == [{"group_id": "alphabet"}]

    def test_every_curated_organisation_is_in_the_store(self, built_store: Path) -> None:
        with ResearchStore(built_store) as store:
            ssi = store.one("SELECT * FROM organisations WHERE org_id = 'ssi'")
            assert ssi is not None and ssi["name"] == "Safe Superintelligence" and ssi["curated"]

    def test_gender_is_never_stored(self, built_store: Path) -> None:
        with ResearchStore(built_store) as store:
            columns = store.rows("SELECT column_name FROM information_schema.columns")
            assert not [c for c in columns if "gender" in c["column_name"].lower()]

    def test_a_name_is_looked_up_through_an_index(self, built_store: Path) -> None:
        # Every search asks whether its text is somebody's name ("people called ..." first): on the real store a
        # point lookup in an index on name_key (0.5 ms), not a scan of every spelling of every person (~20 ms).
        con = duckdb.connect(str(built_store), read_only=True)
        try:
            indexes = con.execute("SELECT table_name, expressions FROM duckdb_indexes()").fetchall()
        finally:
            con.close()
        assert ("person_names", "[name_key]") in [(t, str(e).replace("'", "")) for t, e in indexes]

    def test_rebuilding_is_idempotent(self, tmp_path: Path, built_store: Path) -> None:
        again = tmp_path / "again.duckdb"
        build_store([Path(__file__).parent.parent / "data" / "paperlists"], again)
        assert snapshot(again) == snapshot(built_store)


def built_by_an_older_version(store: Path, version: str = "2") -> None:
    con = duckdb.connect(str(store))
    try:
        con.execute("UPDATE build_info SET value = ? WHERE key = 'schema_version'", [version])
    finally:
        con.close()


class TestAnOlderStore:
    def test_is_refused_with_what_to_do_not_read_into_a_missing_column(self, tmp_path: Path,
                                                                       built_store: Path) -> None:
        # An upgrade of LabScout over a store it built before once failed on every person page with a TypeError.
        old = tmp_path / "research.duckdb"
        shutil.copyfile(built_store, old)
        built_by_an_older_version(old)
        with pytest.raises(InvalidError, match=r"built by another version of LabScout \(schema 2; this version "
                                               r"reads schema \d+\); rebuild it with `labscout ingest PATH`"):
            ResearchStore(old)
        with ResearchStore(old, any_schema=True) as store:  # what a rebuild reads of the store it replaces
            assert store.one("SELECT count(*) AS n FROM authorships") == {"n": 25}
        with ResearchStore(built_store) as current:
            assert current.one("SELECT count(*) AS n FROM papers") == {"n": 12}


class TestBadInput:
    def test_bad_file_leaves_previous_store_intact(self, corpus: Path, tmp_path: Path) -> None:
        dest = tmp_path / "home" / "research.duckdb"
        build_store([corpus], dest)
        before = snapshot(dest)
        (corpus / "iclr" / "iclr2019.json").write_text('[{"title": "cut off')
        with pytest.raises(BadInputError, match=r"iclr2019\.json"):
            build_store([corpus], dest)
        assert snapshot(dest) == before
        assert sorted(p.name for p in dest.parent.iterdir()) == ["research.duckdb"]

    def test_skip_bad_ingests_the_rest_and_lists_what_was_skipped(self, corpus: Path, tmp_path: Path) -> None:
        (corpus / "iclr" / "iclr2019.json").write_bytes(b"\xff\xfe not json")
        (corpus / "nips" / "nips2020.json").write_text('[{"title": "ok", "author": "A B"}, 7]')
        summary = build_store([corpus], tmp_path / "s.duckdb", skip_bad=True)
        assert summary.papers == 13
        reasons = {(Path(s.file).name, s.record): s.reason for s in summary.skipped}
        assert reasons[("nips2020.json", 1)] == "expected a paper object, found int"
        assert "not valid JSON" in reasons[("iclr2019.json", None)]


class TestIdsAcrossNamespaces:
    """One person across an OpenReview profile, an ACL Anthology page and an e-mail; names first."""

    def _corpus(self, tmp_path: Path, levine: str = "sergey.l@eecs.berkeley.edu",
                bengio: str = "yb@mila.quebec") -> Path:
        import orjson

        def paper(title: str, authors: str, ids: str, **extra: str) -> dict[str, str]:
            return {"title": title, "author": authors, "authorids": ids, "status": "Poster", **extra}

        root = tmp_path / "lists"
        for folder, name, rows in (
            ("iclr", "iclr2019.json", [
                paper("Robot learning", "Sergey Levine;Chelsea Finn", f"{levine};cbfinn@berkeley.edu"),
                # The two e-mails swapped in one record, as the real ICLR 2019 list has it (by default the two
                # addresses name no author's surname, so the source cannot tell they are out of place).
                paper("Deep exploration", "Sergey Levine;Yoshua Bengio;Chelsea Finn;Aaron Courville",
                      f"{bengio};{levine};cbfinn@berkeley.edu;courvila@iro.ca"),
                paper("Attention", "Yoshua Bengio;Aaron Courville", f"{bengio};courvila@iro.ca"),
                paper("Consciousness prior", "Yoshua Bengio", bengio),
            ]),
            ("iclr", "iclr2021.json", [
                paper("Offline RL", "Sergey Levine;Chelsea Finn;Aviral Kumar",
                      "~Sergey_Levine1;~Chelsea_Finn1;~Aviral_Kumar2"),
                paper("Meta-learning", "Chelsea Finn;Sergey Levine", "~Chelsea_Finn1;~Sergey_Levine1;~Extra1"),
            ]),
            ("acl", "acl2022.json", [
                paper("Language models as agents", "Sergey Levine;Chelsea Finn;Aviral Kumar",
                      "/s/sergey-levine/;/c/chelsea-finn/;/a/aviral-kumar/"),
            ]),
        ):
            (root / folder).mkdir(parents=True, exist_ok=True)
            (root / folder / name).write_bytes(orjson.dumps(rows))
        return root

    def test_one_person_across_namespaces_and_the_swapped_email_is_a_recorded_conflict(self, tmp_path: Path) -> None:
        dest = tmp_path / "s.duckdb"
        summary = build_store([self._corpus(tmp_path)], dest)
        with ResearchStore(dest) as store:
            people = store.rows("SELECT person_id, name, n_papers, author_ids FROM people "
                                "WHERE name IN ('Sergey Levine', 'Yoshua Bengio') ORDER BY name")
            assert [(p["name"], p["n_papers"]) for p in people] == [("Sergey Levine", 5), ("Yoshua Bengio", 3)]
            assert people[0]["author_ids"] == ["acl:/s/sergey-levine/", "email:sergey.l@eecs.berkeley.edu",
                                               "openreview:~Sergey_Levine1"]
            assert "email:sergey.l@eecs.berkeley.edu" not in people[1]["author_ids"]
            variants = store.rows("SELECT name_variants FROM people WHERE name = 'Sergey Levine'")
            assert variants[0]["name_variants"] == ["Sergey Levine"]
            conflicts = store.rows("SELECT raw_name, id_conflict FROM authorships WHERE id_conflict IS NOT NULL "
                                   "ORDER BY raw_name")
            assert [c["raw_name"] for c in conflicts] == ["Sergey Levine", "Yoshua Bengio"]
            assert "Yoshua Bengio's elsewhere" in conflicts[0]["id_conflict"]
            issues = store.rows("SELECT kind, reason FROM record_issues")
            assert issues == [{"kind": "author ids do not line up with the authors",
                               "reason": "3 author ids for 2 authors: ids not used, since which id is whose "
                                         "cannot be told"}]
            bengio = store.one("SELECT person_id FROM people WHERE name = 'Yoshua Bengio'")
            assert bengio is not None
            from labscout.research import why
            found = why.explain_person(store, bengio["person_id"])
            assert [c.raw_name for c in found.conflicts] == ["Yoshua Bengio"]
        assert summary.id_conflicts == 2
        assert summary.record_issues == {"author ids do not line up with the authors": 1}

    def test_a_swapped_email_that_names_its_owner_is_used_for_nobody(self, tmp_path: Path) -> None:
        # "svlevine@" beside Bengio names Levine: the source drops the two addresses that do not spell their
        # slot's name (Finn's and Courville's stay), so no id conflict is left for identity to settle and
        # Levine is still one person, by his other ids and his name.
        dest = tmp_path / "s.duckdb"
        summary = build_store([self._corpus(tmp_path, levine="svlevine@eecs.berkeley.edu",
                                            bengio="yoshua.bengio@mila.quebec")], dest)
        with ResearchStore(dest) as store:
            people = store.rows("SELECT name, n_papers, author_ids FROM people "
                                "WHERE name IN ('Sergey Levine', 'Yoshua Bengio') ORDER BY name")
            assert [(p["name"], p["n_papers"]) for p in people] == [("Sergey Levine", 5), ("Yoshua Bengio", 3)]
            assert "email:svlevine@eecs.berkeley.edu" not in people[1]["author_ids"]
            dropped = store.rows("SELECT author_order, email FROM authorships a "
                                 "JOIN papers p USING (paper_id) WHERE p.title = 'Deep exploration' ORDER BY 1")
            assert [d["email"] for d in dropped] == [None, None, "cbfinn@berkeley.edu", "courvila@iro.ca"]
        assert summary.id_conflicts == 0
        assert summary.record_issues == {"author ids do not line up with the authors": 1,
                                         "e-mails out of author order": 2}
