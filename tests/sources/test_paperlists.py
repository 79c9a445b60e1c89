"""The paperlists adapter over tiny files in the real formats (tests/data/paperlists)."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from labscout.errors import BadInputError
from labscout.sources import paperlists
from labscout.sources.records import SkippedRecord

DATA = Path(__file__).parent.parent / "data" / "paperlists"


def records(relative: str) -> list[paperlists.PaperRecord]:
    return list(paperlists.iter_records(DATA / relative))


def write(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


class TestOpenReviewFormat:
    def test_venue_and_year_come_from_the_file(self) -> None:
        first = records("iclr/iclr2021.json")[0]
        assert (first.venue, first.year) == ("iclr", 2021)

    def test_authors_ids_affiliations_and_positions_pair_by_slot(self) -> None:
        first = records("iclr/iclr2021.json")[0]
        beyer = first.authors[0]
        assert (beyer.name, beyer.openreview_id, beyer.affiliation, beyer.domain, beyer.position) == (
            "Lucas Beyer", "~Lucas_Beyer1", "Google Brain", "google.com", "Researcher")
        assert beyer.affiliation_source == "paired"
        assert first.keywords == ["vision transformer", "scaling", "image recognition"]
        assert first.rating_avg == pytest.approx(8.333)
        assert first.decision == "accepted" and first.presentation == "oral"

    def test_tldr_and_citations_are_carried(self) -> None:
        first, second = records("iclr/iclr2021.json")[:2]
        assert first.tldr == "Transformers applied to image patches match CNNs when pre-trained at scale."
        assert (first.citations, second.citations, second.tldr) == (4012, None, None)

    @pytest.mark.parametrize(("value", "expected"), [(0, 0), (17, 17), (-1, None), (None, None)])
    def test_citation_counts(self, tmp_path: Path, value: object, expected: int | None) -> None:
        path = write(tmp_path, "iclr2021.json", orjson.dumps([{"title": "T", "author": "A B", "gs_citation": value}]))
        assert next(paperlists.iter_records(path)).citations == expected

    @pytest.mark.parametrize("value", ["many", 3.5, True, [1]])
    def test_a_citation_count_that_is_not_a_number_names_the_field(self, tmp_path: Path, value: object) -> None:
        path = write(tmp_path, "iclr2021.json", orjson.dumps([{"title": "T", "author": "A B", "gs_citation": value}]))
        with pytest.raises(BadInputError) as caught:
            list(paperlists.iter_records(path))
        assert caught.value.field == "gs_citation" and caught.value.record == 0

    def test_rejected_and_withdrawn_are_kept_but_marked(self) -> None:
        decisions = [r.decision for r in records("iclr/iclr2021.json")]
        assert decisions == ["accepted", "rejected", "withdrawn", "accepted"]

    def test_email_ids_are_recognised(self) -> None:
        carla = records("iclr/iclr2021.json")[2].authors[0]
        assert carla.email == "carla@example.org" and carla.openreview_id is None

    def test_profile_slots_follow_or_profile_order(self) -> None:
        # or_profile lists Yang Liu before Fei Huang (whose profile id even differs): the affiliation
        # slots follow that order, not the author order.
        paper = records("iclr/iclr2021.json")[3]
        by_name = {a.name: a for a in paper.authors}
        assert by_name["Yang Liu"].affiliation == "Alibaba Group"
        assert by_name["Fei Huang"].affiliation == "Alibaba Group US"
        assert by_name["Fei Huang"].position == "Senior Research Director"
        assert by_name["Yang Liu"].links == {"homepage": "https://yl.example.org/"}

    def test_list_valued_rating_is_averaged_and_zero_without_reviews_is_none(self) -> None:
        assert records("iclr/iclr2021.json")[3].rating_avg == 6.0
        assert records("nips/nips2023.json")[1].rating_avg is None

    def test_gender_is_never_carried(self) -> None:
        for record in records("iclr/iclr2021.json"):
            assert "gender" not in repr(record).lower()


class TestOtherVariants:
    def test_authors_field_with_comma_separator(self) -> None:
        paper = records("nips/nips2023.json")[0]
        assert [a.name for a in paper.authors] == ["Michael Tschannen", "Lucas Beyer", "Xiaohua Zhai"]
        assert paper.presentation == "oral"

    def test_anonymous_submission_has_no_authors(self) -> None:
        assert records("nips/nips2023.json")[2].authors == []

    def test_acl_anthology_ids(self) -> None:
        paper = records("acl/acl2022.json")[0]
        assert paper.authors[0].acl_id == "/o/omer-goldman/"
        assert paper.status == "Long" and paper.decision == "accepted"

    def test_institution_list_is_not_paired_by_position(self) -> None:
        # CVPR-style files list each institution once per paper: pairing by slot would invent facts.
        paper = records("cvpr/cvpr2022.json")[1]
        assert [a.affiliation for a in paper.authors] == [None, None, None]
        assert paper.unpaired_affiliations == ["Google Research, Brain Team", "DeepMind"]

    def test_a_sole_institution_applies_to_every_author(self) -> None:
        paper = records("cvpr/cvpr2022.json")[2]
        assert {a.affiliation for a in paper.authors} == {"Google Research"}
        assert {a.affiliation_source for a in paper.authors} == {"sole"}

    def test_papers_without_source_id_get_stable_ids(self) -> None:
        first, second = records("cvpr/cvpr2022.json"), records("cvpr/cvpr2022.json")
        assert [r.paper_id for r in first] == [r.paper_id for r in second]
        assert len({r.paper_id for r in first}) == 3


class TestShortenedAffiliationLists:
    def test_openreview_rows_pair_when_lengths_match_even_if_most_rows_do_not(self, tmp_path: Path) -> None:
        # Most rows list each institution once (shorter than the author list): the file as a whole is not
        # per author, but an OpenReview row whose list is as long as its authors still pairs.
        shortened = {"title": "S", "author": "A One;B Two;C Three", "authorids": "~A_One1;~B_Two1;~C_Three1",
                     "aff": "Google;MIT", "aff_domain": "google.com;mit.edu"}
        full = {"title": "F", "author": "D Four;E Five", "authorids": "~D_Four1;~E_Five1",
                "aff": "Google Brain;Stanford University", "aff_domain": "google.com;stanford.edu",
                "position": "Researcher;PhD student"}
        path = write(tmp_path, "iclr2021.json", orjson.dumps([shortened, shortened, full]))
        first, _, last = list(paperlists.iter_records(path))
        assert [a.affiliation for a in first.authors] == [None, None, None]
        assert first.unpaired_affiliations == ["Google", "MIT"]
        assert [(a.affiliation, a.position) for a in last.authors] == [
            ("Google Brain", "Researcher"), ("Stanford University", "PhD student")]


class TestBadInput:
    def test_truncated_file_names_the_file(self, tmp_path: Path) -> None:
        path = write(tmp_path, "iclr2020.json", b'[{"title": "A", "author": "B"}, {"title": ')
        with pytest.raises(BadInputError, match=r"iclr2020\.json.*not valid JSON"):
            list(paperlists.iter_records(path))

    def test_non_utf8_byte(self, tmp_path: Path) -> None:
        path = write(tmp_path, "iclr2020.json", b'[{"title": "Caf\xe9", "author": "B"}]')
        with pytest.raises(BadInputError, match=r"iclr2020\.json"):
            list(paperlists.iter_records(path))

    def test_empty_file(self, tmp_path: Path) -> None:
        path = write(tmp_path, "iclr2020.json", b"  \n")
        with pytest.raises(BadInputError, match="file is empty"):
            list(paperlists.iter_records(path))

    def test_file_of_another_format(self, tmp_path: Path) -> None:
        path = write(tmp_path, "iclr2020.json", b'{"results": []}')
        with pytest.raises(BadInputError, match="expected a JSON array"):
            list(paperlists.iter_records(path))

    def test_file_name_without_venue_and_year(self, tmp_path: Path) -> None:
        path = write(tmp_path, "papers.json", b"[]")
        with pytest.raises(BadInputError, match="venue and year"):
            list(paperlists.iter_records(path))

    def test_wrong_field_type_names_record_and_field(self, tmp_path: Path) -> None:
        rows = [{"title": "Fine", "author": "A B"}, {"title": "Bad", "author": ["A B"]}]
        path = write(tmp_path, "icml2020.json", orjson.dumps(rows))
        with pytest.raises(BadInputError) as caught:
            list(paperlists.iter_records(path))
        assert (caught.value.record, caught.value.field) == (1, "author")
        assert "icml2020.json, record 1, field 'author'" in str(caught.value)

    def test_skip_bad_keeps_the_rest_and_lists_what_was_skipped(self, tmp_path: Path) -> None:
        rows = [{"title": "Fine", "author": "A B"}, 42, {"title": "Also fine", "author": "C D"}]
        path = write(tmp_path, "icml2020.json", orjson.dumps(rows))
        skipped: list[SkippedRecord] = []
        kept = list(paperlists.iter_records(path, skip_bad=True, skipped=skipped))
        assert [r.title for r in kept] == ["Fine", "Also fine"]
        assert [(s.record, s.reason) for s in skipped] == [(1, "expected a paper object, found int")]


class TestAuthorIds:
    def _one(self, tmp_path: Path, row: dict[str, str]) -> paperlists.PaperRecord:
        path = write(tmp_path, "iclr2019.json", orjson.dumps([{"title": "A paper", "status": "Poster", **row}]))
        (record,) = paperlists.iter_records(path)
        return record

    def test_every_id_is_typed_by_namespace(self, tmp_path: Path) -> None:
        record = self._one(tmp_path, {"author": "Ann Lee;Bo Chen;Cy Dorn",
                                      "authorids": "~Ann_Lee1;bo@Example.org;/c/cy-dorn/"})
        assert [a.ids for a in record.authors] == [["openreview:~Ann_Lee1"], ["email:bo@example.org"],
                                                   ["acl:/c/cy-dorn/"]]
        assert not record.issues

    def test_profile_links_become_ids_and_generic_pages_do_not(self, tmp_path: Path) -> None:
        record = self._one(tmp_path, {
            "author": "Ann Lee;Bo Chen", "authorids": "~Ann_Lee1;~Bo_Chen2",
            "dblp": "https://dblp.org/pid/36/7024-1.html;",
            "google_scholar": "https://scholar.google.com/citations?user=Ug_hZoYAAAAJ&hl=en;"
                              "https://scholar.google.com/citations?hl=en",
            "orcid": "https://orcid.org/0000-0002-1432-7747;"})
        assert record.authors[0].ids == ["openreview:~Ann_Lee1", "dblp:36/7024-1", "scholar:ug_hzoyaaaaj",
                                         "orcid:0000-0002-1432-7747"]
        assert record.authors[1].ids == ["openreview:~Bo_Chen2"]

    def test_an_author_printed_twice_in_a_row_is_one_author(self, tmp_path: Path) -> None:
        # NeurIPS 2023 prints "Zeynep Akata, Zeynep Akata"; two Kun Xus with two profiles are two people.
        record = self._one(tmp_path, {"authors": "Ann Lee, Zeynep Akata, Zeynep  akata, Bo Chen"})
        assert [(a.order, a.name) for a in record.authors] == [(0, "Ann Lee"), (1, "Zeynep Akata"), (2, "Bo Chen")]
        (issue,) = record.issues
        assert issue.field == "authors" and issue.author == 2 and "author 2 and 3" in issue.reason
        twins = self._one(tmp_path, {"author": "Kun Xu;Kun Xu", "authorids": "~Kun_Xu4;~Kun_Xu6"})
        assert [a.ids for a in twins.authors] == [["openreview:~Kun_Xu4"], ["openreview:~Kun_Xu6"]]
        same = self._one(tmp_path, {"author": "Kun Xu;Kun Xu", "authorids": "~Kun_Xu4;~Kun_Xu4"})
        assert [a.ids for a in same.authors] == [["openreview:~Kun_Xu4"]]

    def test_ids_that_do_not_line_up_with_the_authors_are_kept_as_a_recorded_conflict(self, tmp_path: Path) -> None:
        record = self._one(tmp_path, {"author": "Ann Lee;Bo Chen", "authorids": "~Ann_Lee1;~Bo_Chen1;~Cy_Dorn1"})
        assert all(a.ids == [] for a in record.authors)
        (issue,) = record.issues
        assert issue.field == "authorids" and "3 author ids for 2 authors" in issue.reason

    def test_an_id_of_an_unknown_form_is_listed_not_guessed(self, tmp_path: Path) -> None:
        record = self._one(tmp_path, {"author": "Ann Lee;Bo Chen", "authorids": "~Ann_Lee1;bo chen at mit"})
        assert record.authors[1].ids == []
        (issue,) = record.issues
        assert issue.kind == "author id of an unknown form" and issue.author == 1

    def test_one_id_on_two_authors_joins_neither(self, tmp_path: Path) -> None:
        record = self._one(tmp_path, {"author": "Ann Lee;Bo Chen", "authorids": "ann@mit.edu;ann@mit.edu"})
        assert all(a.ids == [] for a in record.authors)
        assert [i.author for i in record.issues] == [0, 1]
        assert "'Ann Lee' (author 1), 'Bo Chen' (author 2)" in record.issues[0].reason


class TestSplitAuthors:
    @given(st.lists(st.from_regex(r"[A-Z][a-z]{1,8} [A-Z][a-z]{1,10}", fullmatch=True), min_size=1, max_size=8))
    def test_both_separators_give_the_same_names(self, names: list[str]) -> None:
        assert paperlists.split_authors("; ".join(names)) == names
        assert paperlists.split_authors(", ".join(names)) == names

    @given(st.text(max_size=200))
    def test_never_yields_empty_names(self, text: str) -> None:
        assert all(name for name in paperlists.split_authors(text))
