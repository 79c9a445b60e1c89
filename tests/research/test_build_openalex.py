"""A build from the paper lists and OpenAlex works together: one person across sources, each fact's source."""

from __future__ import annotations

import gzip
import hashlib
import shutil
from pathlib import Path

import orjson
import pytest

from labscout.errors import BadInputError
from labscout.research import provenance, queries
from labscout.research.build import build_store
from labscout.research.store import ResearchStore
from labscout.talent import views

DATA = Path(__file__).parent.parent / "data"
WORKS = DATA / "openalex" / "works.jsonl"


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dest = tmp_path_factory.mktemp("mixed") / "research.duckdb"
    build_store([DATA / "paperlists", WORKS], dest)
    return dest


class TestMixedBuild:
    def test_each_file_is_read_by_its_own_adapter(self, mixed: Path) -> None:
        with ResearchStore(mixed) as store:
            adapters = {r["file"].rsplit("/", 1)[-1]: r["adapter"] for r in store.rows("SELECT * FROM source_files")}
        assert adapters["works.jsonl"] == "openalex" and adapters["iclr2021.json"] == "paperlists"

    def test_a_known_person_with_2025_works_at_a_new_organisation_is_one_person(self, mixed: Path) -> None:
        with ResearchStore(mixed) as store:
            (beyer,) = queries.people_called(store, "Lucas Beyer")
            view = views.person_view(store, beyer.person_id)
        assert view.latest_org is not None and view.latest_org.org_id == "openai"
        assert view.person.latest_org_year == 2025
        assert {"openalex:A5023888391", "openreview:~Lucas_Beyer1"} <= set(view.person.author_ids)
        assert view.sources_of(2025, "openai") == ["openalex"]
        # "Google Brain" on the 2021 paper is Google Brain (main's organisations keep the lab, renamed later).
        assert view.sources_of(2021, "google-brain") == ["paperlists"]
        # "L. Beyer" on the ICML 2025 paper is him too (same co-author, same lab, same topics).
        assert "L. Beyer" in view.person.name_variants

    def test_a_paper_both_sources_hold_is_one_paper_with_two_records(self, mixed: Path) -> None:
        with ResearchStore(mixed) as store:
            found = store.rows("SELECT paper_id FROM papers WHERE title = 'Image Captioners Are Scalable Vision "
                               "Learners Too'")
            assert len(found) == 1
            records = provenance.paper_sources(store, [found[0]["paper_id"]])
            cited = store.one("SELECT citations FROM papers WHERE paper_id = ?", [found[0]["paper_id"]])
        assert [r.adapter for r in records] == ["paperlists", "openalex"]
        assert records[1].source_id == "W4385245566" and cited == {"citations": 142}

    def test_openalex_fills_an_affiliation_the_list_lacks_and_says_so(self, mixed: Path) -> None:
        with ResearchStore(mixed) as store:
            beyer = queries.people_called(store, "Lucas Beyer")[0].person_id
            facts = {(f.year, f.org_id): f.sources for f in provenance.career_sources(store, beyer)}
        assert facts[(2023, "google-deepmind")] == ["openalex"]

    def test_institutions_map_by_ror_and_new_ones_keep_openalex_country_and_type(self, mixed: Path) -> None:
        with ResearchStore(mixed) as store:
            ror = store.rows("SELECT DISTINCT org_id, org_method FROM authorships WHERE raw_affiliation = "
                             "'OpenAI (United States)'")
            bar_ilan = store.one("SELECT o.kind, o.country FROM authorship_institutions i JOIN organisations o "
                                 "USING (org_id) WHERE i.name = 'Bar-Ilan University'")
            raw = store.one("SELECT raw_affiliations FROM authorship_institutions WHERE paper_id = "
                            "'openalex-W4406123001' AND author_order = 0")
        assert ror == [{"org_id": "openai", "org_method": "ror"}]
        assert bar_ilan == {"kind": "university", "country": "IL"}
        assert raw == {"raw_affiliations": ["OpenAI, San Francisco, CA, USA"]}

    def test_openalex_venues_keep_their_names(self, mixed: Path) -> None:
        with ResearchStore(mixed) as store:
            names = {r["venue"]: r["name"] for r in store.rows("SELECT * FROM venues")}
        assert names["openalex-s4306420508"] == "Proceedings of Machine Learning and Systems"
        assert names["icml"] == "ICML" and names["arxiv"] == "arXiv"

    def test_the_work_without_authorships_is_listed(self, mixed: Path) -> None:
        with ResearchStore(mixed) as store:
            skipped = store.rows("SELECT record, reason FROM skipped_records WHERE file LIKE '%works.jsonl'")
        assert skipped == [{"record": 7, "reason": "work has no authorships: nobody to credit it to"}]


def test_a_snapshot_folder_reads_as_its_works(tmp_path: Path) -> None:
    works = tmp_path / "data" / "works" / "updated_date=2025-06-01"
    works.mkdir(parents=True)
    (works / "part_000.gz").write_bytes(gzip.compress(WORKS.read_bytes()))
    summary = build_store([DATA / "paperlists", tmp_path / "data" / "works"], tmp_path / "r.duckdb")
    assert [f.adapter for f in summary.files].count("openalex") == 1
    assert summary.works_folded == 1 and summary.papers == 17


def _snapshot(root: Path) -> Path:
    """A small snapshot in OpenAlex's layout: works and authors partitions, one manifest for both."""
    part = root / "works" / "updated_date=2025-06-01" / "part_000.gz"
    part.parent.mkdir(parents=True)
    part.write_bytes(gzip.compress(WORKS.read_bytes()))
    authors = root / "authors" / "updated_date=2025-06-01" / "part_000.gz"
    authors.parent.mkdir(parents=True)
    authors.write_bytes(gzip.compress(b'{"id": "https://openalex.org/A5023888391", "display_name": "Lucas Beyer"}\n'))
    entries = [{"url": f"s3://openalex/data/{p.relative_to(root).as_posix()}",
                "meta": {"content_length": p.stat().st_size, "record_count": 1}} for p in (part, authors)]
    (root / "manifest.json").write_bytes(orjson.dumps({"entries": entries}))
    return part


class TestSnapshotManifest:
    def test_a_whole_snapshot_builds_and_other_entities_are_not_read(self, tmp_path: Path) -> None:
        _snapshot(tmp_path / "data")
        summary = build_store([DATA / "paperlists", tmp_path / "data"], tmp_path / "r.duckdb")
        read = [f.file for f in summary.files if f.adapter == "openalex"]
        assert [Path(f).parent.parent.name for f in read] == ["works"] and summary.works_folded == 1

    def test_a_part_cut_short_is_named_before_anything_is_read(self, tmp_path: Path) -> None:
        dest = tmp_path / "r.duckdb"
        build_store([DATA / "paperlists"], dest)
        before = hashlib.sha256(dest.read_bytes()).hexdigest()
        part = _snapshot(tmp_path / "data")
        part.write_bytes(part.read_bytes()[:-40])
        with pytest.raises(BadInputError, match="snapshot manifest says") as caught:
            build_store([DATA / "paperlists", tmp_path / "data" / "works"], dest)
        assert caught.value.file == str(part)
        assert hashlib.sha256(dest.read_bytes()).hexdigest() == before

    def test_a_part_missing_is_named(self, tmp_path: Path) -> None:
        part = _snapshot(tmp_path / "data")
        part.unlink()
        with pytest.raises(BadInputError, match="missing: download incomplete") as caught:
            build_store([tmp_path / "data" / "works"], tmp_path / "r.duckdb")
        assert caught.value.file == str(part) and not (tmp_path / "r.duckdb").exists()


def test_a_bad_line_stops_the_build_and_leaves_the_store_as_it_was(tmp_path: Path) -> None:
    dest = tmp_path / "r.duckdb"
    build_store([DATA / "paperlists"], dest)
    before = hashlib.sha256(dest.read_bytes()).hexdigest()
    broken = tmp_path / "works.jsonl"
    shutil.copy(WORKS, broken)
    with broken.open("ab") as f:
        f.write(b'{"id": "https://openalex.org/W9", "title": "cut off here\n')
    with pytest.raises(BadInputError) as caught:
        build_store([DATA / "paperlists", broken], dest)
    assert caught.value.file == str(broken) and caught.value.line == 8
    assert hashlib.sha256(dest.read_bytes()).hexdigest() == before
    assert not list(tmp_path.glob(".*building*"))


ADEYEMI_ORCID = "0000-0003-4471-5520"


def _lists_with_an_orcid(root: Path) -> Path:
    """A paper list in which one author prints an ORCID: Ngozi Adeyemi, University of Lagos, 2022."""
    folder = root / "iclr"
    folder.mkdir(parents=True)
    rows = [{"id": f"ng{k}", "title": title, "track": "main", "status": "Poster",
             "keywords": "soil moisture;remote sensing",
             "author": "Ngozi Adeyemi;Tunde Bakare", "authorids": "~Ngozi_Adeyemi1;~Tunde_Bakare1",
             "or_profile": "~Ngozi_Adeyemi1;~Tunde_Bakare1",
             "aff": "University of Lagos;University of Lagos", "aff_domain": "unilag.edu.ng;unilag.edu.ng",
             "orcid": f"https://orcid.org/{ADEYEMI_ORCID};"}
            for k, title in enumerate(["Soil Moisture From Radar Backscatter", "Remote Sensing of Crop Stress"])]
    (folder / "iclr2022.json").write_bytes(orjson.dumps(rows))
    return folder


def _work_by_a_renamed_author(root: Path, *, orcid: str | None) -> Path:
    """A 2025 OpenAlex work whose author shares nothing with her paper-list self but, maybe, her ORCID: another
    surname (she married), another organisation, another co-author, other topics."""
    author = {"id": "https://openalex.org/A5099990001", "display_name": "Ngozi Hartmann",
              "orcid": f"https://orcid.org/{orcid}" if orcid else None}
    eth = {"id": "https://openalex.org/I35440088", "display_name": "ETH Zurich", "ror": "https://ror.org/05a28rw58",
           "country_code": "CH", "type": "education", "lineage": []}
    work = {
        "id": "https://openalex.org/W4409990001", "doi": None, "title": "Graph Neural Networks for Power Grids",
        "display_name": "Graph Neural Networks for Power Grids", "publication_year": 2025,
        "publication_date": "2025-03-02", "type": "article",
        "primary_location": {"source": {"id": "https://openalex.org/S4306400194",
                                        "display_name": "arXiv (Cornell University)", "type": "repository"}},
        "authorships": [
            {"author_position": "first", "author": author, "institutions": [eth], "raw_author_name": "Ngozi Hartmann",
             "raw_affiliation_strings": ["ETH Zurich, Switzerland"], "affiliations": []},
            {"author_position": "last", "author": {"id": "https://openalex.org/A5099990002",
                                                   "display_name": "Florian Dörfler", "orcid": None},
             "institutions": [eth], "raw_author_name": "Florian Dörfler",
             "raw_affiliation_strings": ["ETH Zurich, Switzerland"], "affiliations": []}],
        "cited_by_count": 3, "keywords": [{"display_name": "power grid", "score": 0.6}], "topics": [],
        "abstract_inverted_index": {"Graphs": [0], "of": [1], "grids": [2]}, "updated_date": "2025-06-01T00:00:00",
    }
    root.mkdir(parents=True)
    path = root / "works.jsonl"
    path.write_bytes(orjson.dumps(work) + b"\n")
    return path


@pytest.mark.parametrize("orcid", [ADEYEMI_ORCID, None], ids=["orcid", "no-orcid"])
def test_an_openalex_author_joins_a_paper_list_person_by_orcid_alone(tmp_path: Path, orcid: str | None) -> None:
    # Name, organisation, co-authors and topics all differ: only the ORCID can say it is her. Without it she
    # stays two people, which shows the ORCID is what joined them.
    lists = _lists_with_an_orcid(tmp_path / "lists")
    works = _work_by_a_renamed_author(tmp_path / "oa", orcid=orcid)
    dest = tmp_path / "r.duckdb"
    build_store([lists, works], dest)
    with ResearchStore(dest) as store:
        slots = store.rows("SELECT DISTINCT a.person_id, a.link_reason, p.year FROM authorships a JOIN papers p "
                           "USING (paper_id) WHERE a.raw_name IN ('Ngozi Adeyemi', 'Ngozi Hartmann') "
                           "ORDER BY p.year")
        people = {s["person_id"] for s in slots}
        if orcid is None:
            assert len(people) == 2
            return
        (person_id,) = people
        view = views.person_view(store, person_id)
    assert {f"orcid:{ADEYEMI_ORCID}", "openalex:A5099990001", "openreview:~Ngozi_Adeyemi1"} \
        <= set(view.person.author_ids)
    assert view.sources_of(2025, "eth-zurich") == ["openalex"]
    assert view.sources_of(2022, "university-of-lagos") == ["paperlists"]
    # The OpenAlex slot is joined by an id (the only one it shares is the ORCID), not by the name rules.
    assert [s["link_reason"] for s in slots if s["year"] == 2025] == ["id"]
