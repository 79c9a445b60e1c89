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
        assert beyer.affiliation_source == "profile"
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
    def test_a_shorter_profile_list_is_not_paired_by_guess(self, tmp_path: Path) -> None:
        # Two slots for three profiled authors: one had no profile, and nothing says who. The same authors on
        # another paper are no evidence: they make the same choice.
        shortened = {"title": "S", "author": "A One;B Two;C Three", "authorids": "~A_One1;~B_Two1;~C_Three1",
                     "aff": "Google;MIT", "aff_domain": "google.com;mit.edu"}
        path = write(tmp_path, "iclr2021.json", orjson.dumps([shortened, {**shortened, "title": "T"}]))
        first, second = list(paperlists.iter_records(path))
        assert [a.affiliation for a in first.authors + second.authors] == [None] * 6
        assert first.unpaired_affiliations == ["Google", "MIT"]

    def test_an_author_without_a_profile_has_no_slot(self, tmp_path: Path) -> None:
        # An e-mail id has no profile, so its author has no slot: the three slots are the three profiles'.
        row = {"title": "A", "author": "A One;B Two;C Three;D Four",
               "authorids": "~A_One1;b@two.example.org;~C_Three1;~D_Four1",
               "aff": "MIT;MIT;MIT", "aff_domain": "mit.edu;mit.edu;mit.edu",
               "position": "PhD student;PhD student;Full Professor"}
        (paper,) = list(paperlists.iter_records(write(tmp_path, "iclr2021.json", orjson.dumps([row]))))
        assert [a.affiliation for a in paper.authors] == ["MIT", None, "MIT", "MIT"]
        assert paper.authors[1].domain == "two.example.org" and paper.authors[1].affiliation_source == "email"
        # The positions differ and no evidence says whose is whose: the organisation is paired, not the position.
        assert [a.position for a in paper.authors] == [None, None, None, None]


class TestPdfLists:
    def test_e_mail_domains_moved_up_to_the_front_are_not_paired(self, tmp_path: Path) -> None:
        rows = [{"title": "T", "author": "A One; B Two; C Three", "aff": "MIT; Stanford University; MIT",
                 "aff_domain": "stanford.edu;mit.edu; "}]
        (paper,) = list(paperlists.iter_records(write(tmp_path, "icml2018.json", orjson.dumps(rows))))
        assert [a.affiliation for a in paper.authors] == ["MIT", "Stanford University", "MIT"]
        assert [a.domain for a in paper.authors] == [None, None, None]
        assert paper.unpaired_domains == ["stanford.edu", "mit.edu"]


class TestProfileOrder:
    """OpenReview exports list the slots of preferred ids first, then those of other ids (sources.profile_slots)."""

    @staticmethod
    def paper(title: str, authors: list[tuple[str, str, str, str]]) -> dict[str, str]:
        return {"title": title, "author": ";".join(a for a, _, _, _ in authors),
                "authorids": ";".join("~" + a.replace(" ", "_") + "1" for a, _, _, _ in authors),
                "aff": ";".join(o for _, o, _, _ in authors), "aff_domain": ";".join(d for _, _, d, _ in authors),
                "position": ";".join(p for _, _, _, p in authors)}

    def test_an_authors_other_papers_say_their_slot_was_moved_to_the_end(self, tmp_path: Path) -> None:
        # Ruslan's id is another name of his profile: his slot always comes last. On C-Learning the author
        # order would give Sergey "Carnegie Mellon University, Full Professor" and Ruslan "Google".
        ben = ("Ben Eysenbach", "Carnegie Mellon University", "cmu.edu", "PhD student")
        ruslan = ("Ruslan Salakhutdinov", "School of Computer Science, Carnegie Mellon University", "cs.cmu.edu",
                  "Full Professor")
        sergey = ("Sergey Levine", "Google", "google.com", "Research Scientist")
        aurick = ("Aurick Zhou", "University of California, Berkeley", "berkeley.edu", "PhD student")
        louis = ("Louis Morency", "Carnegie Mellon University", "cmu.edu", "Associate Professor")
        rows = [self.paper("C-Learning", [ben, sergey, ruslan]),  # slots as exported: Ruslan's last
                {**self.paper("C-Learning", [ben, sergey, ruslan]), "author": "Ben Eysenbach;Ruslan Salakhutdinov;"
                 "Sergey Levine", "authorids": "~Ben_Eysenbach1;~Ruslan_Salakhutdinov1;~Sergey_Levine1"},
                self.paper("Amortized", [aurick, sergey]),
                self.paper("Offline", [aurick, sergey]) | {"author": "Aurick Zhou;Sergey Levine"},
                {**self.paper("Multi-view", [ben, louis, ruslan]),
                 "author": "Ben Eysenbach;Ruslan Salakhutdinov;Louis Morency",
                 "authorids": "~Ben_Eysenbach1;~Ruslan_Salakhutdinov1;~Louis_Morency1"},
                {**self.paper("Off-Dynamics", [ben, louis, ruslan]),
                 "author": "Ben Eysenbach;Ruslan Salakhutdinov;Louis Morency",
                 "authorids": "~Ben_Eysenbach1;~Ruslan_Salakhutdinov1;~Louis_Morency1", "title": "Off-Dynamics"}]
        papers = list(paperlists.iter_records(write(tmp_path, "iclr2021.json", orjson.dumps(rows[1:]))))
        c_learning = {a.name: a for a in papers[0].authors}
        assert (c_learning["Sergey Levine"].affiliation, c_learning["Sergey Levine"].position) == (
            "Google", "Research Scientist")
        assert c_learning["Ruslan Salakhutdinov"].position == "Full Professor"
        assert c_learning["Sergey Levine"].affiliation_source == "profile-order"

    def test_without_evidence_only_what_every_order_agrees_on_is_paired(self, tmp_path: Path) -> None:
        row = self.paper("Alone", [("A One", "MIT", "mit.edu", "PhD student"),
                                   ("B Two", "Stanford University", "stanford.edu", "PhD student"),
                                   ("C Three", "Stanford University", "stanford.edu", "Full Professor")])
        (paper,) = list(paperlists.iter_records(write(tmp_path, "iclr2021.json", orjson.dumps([row]))))
        # Had A One or B Two a non-preferred id, their slot would be last and the others would move up: only
        # C Three is at Stanford whatever the order.
        assert [a.affiliation for a in paper.authors] == [None, None, "Stanford University"]
        assert paper.unpaired_affiliations == ["MIT", "Stanford University"]

    def test_or_profile_names_the_slots_and_the_left_over_slot_is_the_left_over_author(self, tmp_path: Path) -> None:
        # ~Huadong_Xiong1 is the profile the paper knows as ~Hua-Dong_Xiong1.
        row = {"title": "P", "author": "Hanbo Xie;Hua-Dong Xiong;Robert Wilson",
               "authorids": "~Hanbo_Xie1;~Hua-Dong_Xiong1;~Robert_Wilson2",
               "or_profile": "~Hanbo_Xie1;~Robert_Wilson2;~Huadong_Xiong1",
               "aff": "University of Arizona;Georgia Institute of Technology;University of Arizona",
               "aff_domain": "arizona.edu;gatech.edu;arizona.edu",
               "position": "MS student;Associate Professor;PhD student"}
        (paper,) = list(paperlists.iter_records(write(tmp_path, "colm2024.json", orjson.dumps([row]))))
        assert [(a.affiliation, a.position) for a in paper.authors] == [
            ("University of Arizona", "MS student"), ("University of Arizona", "PhD student"),
            ("Georgia Institute of Technology", "Associate Professor")]

    def test_several_affiliations_keep_their_positions_in_order(self, tmp_path: Path) -> None:
        row = {"title": "P", "author": "Luke Z", "authorids": "~Luke_Z1", "or_profile": "~Luke_Z1",
               "aff": "University of Washington+Meta", "aff_domain": "uw.edu+meta.com",
               "position": "Full Professor+Researcher"}
        (paper,) = list(paperlists.iter_records(write(tmp_path, "colm2025.json", orjson.dumps([row]))))
        assert (paper.authors[0].affiliation, paper.authors[0].position) == (
            "University of Washington+Meta", "Full Professor")


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
            # Link slots follow the profile order, which only `or_profile` gives (every real row with links has it).
            "author": "Ann Lee;Bo Chen", "authorids": "~Ann_Lee1;~Bo_Chen2", "or_profile": "~Ann_Lee1;~Bo_Chen2",
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


    def test_e_mails_out_of_author_order_join_nobody_and_pair_no_domain(self, tmp_path: Path) -> None:
        # ICLR 2014 prints Gehler's address beside Schiele and Schiele's beside Gehler.
        record = self._one(tmp_path, {
            "author": "Bojan Pepik;Peter Gehler;Bernt Schiele",
            "authorids": "bojan@mpi-inf.mpg.de;schiele@mpi-inf.mpg.de;pgehler@tuebingen.mpg.de"})
        pepik, gehler, schiele = record.authors
        assert all(a.ids == [] and a.domain is None and a.affiliation_source is None for a in (gehler, schiele))
        # Pepik's own address spells his name: it is his wherever the others went.
        assert pepik.email == "bojan@mpi-inf.mpg.de" and pepik.affiliation_source == "email"
        assert {i.kind for i in record.issues} == {"e-mails out of author order"}
        assert [i.author for i in record.issues] == [1, 2]
        assert "'schiele@mpi-inf.mpg.de' not used" in record.issues[0].reason
        assert "beside 'Peter Gehler' (author 2) names 'Bernt Schiele' (author 3)" in record.issues[1].reason

    @pytest.mark.parametrize("authors, emails", [
        ("Lingpeng Kong;Wang Ling", "lingpenk@cs.cmu.edu;"),  # her own name, cut short
        ("Rahul M V;Naveen Venkat", "rmvenkat@andrew.cmu.edu;"),  # his own initials
        ("Pengjun Xie;Boli Chen", "chengchen.xpj@taobao.com;boli.chen@taobao.com"),  # Chen has his own
        ("Ann Lee;Bo Chen", "ann.lee@mit.edu;chen@mit.edu"),
    ])
    def test_an_e_mail_that_may_be_its_authors_own_is_used(self, tmp_path: Path, authors: str, emails: str) -> None:
        record = self._one(tmp_path, {"author": authors, "authorids": emails})
        assert record.issues == []
        assert record.authors[0].email == emails.split(";")[0] and record.authors[0].affiliation_source == "email"

class TestSplitAuthors:
    @given(st.lists(st.from_regex(r"[A-Z][a-z]{1,8} [A-Z][a-z]{1,10}", fullmatch=True), min_size=1, max_size=8))
    def test_both_separators_give_the_same_names(self, names: list[str]) -> None:
        assert paperlists.split_authors("; ".join(names)) == names
        assert paperlists.split_authors(", ".join(names)) == names

    @given(st.text(max_size=200))
    def test_never_yields_empty_names(self, text: str) -> None:
        assert all(name for name in paperlists.split_authors(text))
