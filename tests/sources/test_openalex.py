"""The OpenAlex adapter over works shaped as OpenAlex documents them (tests/data/openalex/works.jsonl)."""

from __future__ import annotations

import gzip
from pathlib import Path

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from labscout.errors import BadInputError
from labscout.sources import openalex
from labscout.sources.records import PaperRecord, SkippedRecord

WORKS = Path(__file__).parent.parent / "data" / "openalex" / "works.jsonl"


def lines() -> list[dict[str, object]]:
    return [orjson.loads(line) for line in WORKS.read_bytes().splitlines() if line.strip()]


def read(path: Path, **kwargs: object) -> list[PaperRecord]:
    return list(openalex.iter_records(path, **kwargs))  # type: ignore[arg-type]


def write_lines(path: Path, works: list[object], *, gz: bool = False) -> Path:
    data = b"".join(orjson.dumps(w) + b"\n" for w in works)
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


class TestIterRecords:
    def test_works_become_papers_with_their_authorships(self) -> None:
        found = read(WORKS)
        assert [r.source_id for r in found] == ["W4385245566", "W4406123001", "W4406123002", "W4390011111",
                                               "W4399000077", "W4406123003"]
        paper = found[1]
        assert (paper.paper_id, paper.year, paper.title) == ("openalex-W4406123001", 2025,
                                                              "Sparse Mixtures of Vision Experts at Scale")
        beyer = paper.authors[0]
        assert beyer.name == "Lucas Beyer"
        assert beyer.ids == ["openalex:A5023888391", "orcid:0000-0002-1825-0097"]
        assert beyer.affiliation == "OpenAI (United States)" and beyer.affiliation_source == "openalex"
        (inst,) = beyer.institutions
        assert (inst.source_id, inst.ror, inst.country, inst.kind) == ("I4210161460", "05wx9n238", "US", "company")
        assert inst.raw_affiliations == ("OpenAI, San Francisco, CA, USA",)

    def test_the_printed_name_is_kept_over_openalex_display_name(self) -> None:
        icml = read(WORKS)[2]
        assert [a.name for a in icml.authors] == ["Xiaohua Zhai", "L. Beyer"]

    def test_venue_type_citations_topics_keywords_and_abstract(self) -> None:
        neurips, preprint, icml, mlsys = read(WORKS)[:4]
        assert (neurips.venue, neurips.venue_name) == ("nips", None)
        assert (icml.venue, preprint.venue) == ("icml", "arxiv")
        assert mlsys.venue == "openalex-s4306420508"
        assert mlsys.venue_name == "Proceedings of Machine Learning and Systems"
        assert (preprint.status, preprint.decision) == ("preprint", "pending")
        assert (neurips.status, neurips.decision, neurips.citations) == ("article", "accepted", 142)
        assert neurips.primary_area == "Advanced Neural Network Applications"
        assert neurips.keywords[:2] == ["Image captioning", "Contrastive learning"]
        assert "Multimodal Machine Learning Applications" in neurips.keywords
        assert neurips.abstract is not None and neurips.abstract.startswith("Contrastive pretraining on image-text")
        (source,) = neurips.sources
        assert (source.adapter, source.doi, source.published, source.record) == (
            "openalex", "10.52202/075280-2032", "2023-12-10", 1)

    def test_a_work_without_authorships_is_listed_with_its_line(self) -> None:
        skipped: list[SkippedRecord] = []
        found = read(WORKS, skipped=skipped)
        assert len(found) == 6
        assert [(s.record, s.reason) for s in skipped] == [(7, "work has no authorships: nobody to credit it to")]

    def test_gzip_is_told_by_content_whatever_the_name(self, tmp_path: Path) -> None:
        path = write_lines(tmp_path / "works.jsonl", lines(), gz=True)
        assert [r.source_id for r in read(path)] == [r.source_id for r in read(WORKS)]

    def test_unknown_fields_are_ignored(self, tmp_path: Path) -> None:
        work = {**lines()[1], "some_field_openalex_adds_next_year": {"x": [1, 2]}}
        assert read(write_lines(tmp_path / "w.jsonl", [work]))[0].source_id == "W4406123001"


class TestBadInput:
    def test_a_line_that_is_not_json_names_file_and_line(self, tmp_path: Path) -> None:
        path = tmp_path / "w.jsonl"
        path.write_bytes(orjson.dumps(lines()[1]) + b"\n" + b'{"id": "https://openalex.org/W1", "title": \n')
        with pytest.raises(BadInputError) as caught:
            read(path)
        assert caught.value.file == str(path) and caught.value.line == 2
        assert "line 2" in str(caught.value) and "not JSON" in str(caught.value)

    def test_skip_bad_keeps_the_good_lines(self, tmp_path: Path) -> None:
        path = tmp_path / "w.jsonl"
        path.write_bytes(b"not json\n" + orjson.dumps(lines()[1]) + b"\n")
        skipped: list[SkippedRecord] = []
        found = read(path, skip_bad=True, skipped=skipped)
        assert [r.source_id for r in found] == ["W4406123001"]
        assert skipped[0].record == 1 and "not JSON" in skipped[0].reason

    def test_a_truncated_gzip_names_the_file_and_where_it_ends(self, tmp_path: Path) -> None:
        whole = gzip.compress(b"".join(orjson.dumps(w) + b"\n" for w in lines()[:5] * 40))
        path = tmp_path / "part_000.gz"
        path.write_bytes(whole[: len(whole) * 2 // 3])
        with pytest.raises(BadInputError) as caught:
            read(path)
        assert caught.value.file == str(path) and "ends early" in str(caught.value)
        skipped: list[SkippedRecord] = []
        kept = read(path, skip_bad=True, skipped=skipped)
        assert 0 < len(kept) < 200
        assert "the rest of the file" in skipped[-1].reason and skipped[-1].record == len(kept) + 1

    @pytest.mark.parametrize(("change", "field"), [
        ({"cited_by_count": "12"}, "cited_by_count"),
        ({"title": 7}, "title"),
        ({"authorships": {"author": "x"}}, "authorships"),
        ({"publication_year": "2025", "publication_date": None}, "publication_year"),
        ({"abstract_inverted_index": {"word": "3"}}, "abstract_inverted_index"),
        ({"is_retracted": "no"}, "is_retracted"),
    ])
    def test_a_field_of_the_wrong_type_is_named(self, tmp_path: Path, change: dict[str, object],
                                                 field: str) -> None:
        path = write_lines(tmp_path / "w.jsonl", [{**lines()[1], **change}])
        with pytest.raises(BadInputError) as caught:
            read(path)
        assert caught.value.field == field and caught.value.line == 1

    def test_a_nested_field_of_the_wrong_type_is_named_by_its_path(self, tmp_path: Path) -> None:
        work = lines()[1]
        work["authorships"][1]["institutions"] = "OpenAI"  # type: ignore[index]
        with pytest.raises(BadInputError) as caught:
            read(write_lines(tmp_path / "w.jsonl", [work]))
        assert caught.value.field == "authorships[1].institutions"

    def test_not_a_work(self, tmp_path: Path) -> None:
        with pytest.raises(BadInputError, match="not an OpenAlex work id"):
            read(write_lines(tmp_path / "w.jsonl", [{"id": "https://openalex.org/A5023888391", "title": "x"}]))


class TestRebuildAbstract:
    def test_words_return_to_their_places(self) -> None:
        assert openalex.rebuild_abstract({"the": [0, 3], "cat": [1], "saw": [2], "dog": [4]}) == "the cat saw the dog"

    @given(st.lists(st.text(alphabet="abcxyz", min_size=1, max_size=6), min_size=1, max_size=30))
    def test_any_text_round_trips(self, words: list[str]) -> None:
        inverted: dict[str, list[int]] = {}
        for k, word in enumerate(words):
            inverted.setdefault(word, []).append(k)
        assert openalex.rebuild_abstract(inverted) == " ".join(words)
