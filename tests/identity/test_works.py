"""One work across sources (folded, read once) and OpenAlex author clusters vetted before their ORCIDs count."""

from __future__ import annotations

from labscout.identity import works
from labscout.sources.records import AuthorMention, Institution, PaperRecord, SkippedRecord, SourceRecord


def listed(title: str, year: int, names: list[str], **kwargs: object) -> PaperRecord:
    record = PaperRecord("iclr2024.json", 0, f"iclr{year}-{title[:4]}", "iclr", year, title,
                         [AuthorMention(i, n) for i, n in enumerate(names)], **kwargs)  # type: ignore[arg-type]
    record.sources.append(SourceRecord("paperlists", "iclr2024.json", 0))
    return record


def work(wid: str, title: str, year: int, authors: list[tuple[str, str, str | None]], *, kind: str = "article",
         updated: str = "2025-01-01", file: str = "w.jsonl", line: int = 1, citations: int | None = 5) -> PaperRecord:
    mentions = []
    for i, (name, cluster, orcid) in enumerate(authors):
        m = AuthorMention(i, name, ids=[f"openalex:{cluster}"] + ([f"orcid:{orcid}"] if orcid else []))
        m.institutions = [Institution("OpenAI (United States)", "I1", "05wx9n238", "US", "company")]
        m.affiliation, m.affiliation_source = "OpenAI (United States)", "openalex"
        m.links["openalex"] = f"https://openalex.org/{cluster}"
        mentions.append(m)
    record = PaperRecord(file, line, f"openalex-{wid}", "openalex", year, title, mentions, source_id=wid,
                         citations=citations, status=kind, abstract="an abstract")
    record.sources.append(SourceRecord("openalex", file, line, wid, work_type=kind, citations=citations,
                                       updated=updated))
    return record


class TestFold:
    def test_an_openalex_work_of_a_listed_paper_is_folded_into_it(self) -> None:
        paper = listed("Scaling Vision Transformers", 2024, ["Lucas Beyer", "Xiaohua Zhai"])
        paper.authors[1].affiliation = "Google"
        same = work("W1", "Scaling vision transformers.", 2025,
                    [("L. Beyer", "A1", "0000-0002-1825-0097"), ("Xiaohua Zhai", "A2", None)])
        done = works.reconcile([paper, same])
        assert done.records == [paper] and done.folded == 1
        beyer, zhai = paper.authors
        assert beyer.ids == ["openalex:A1", "orcid:0000-0002-1825-0097"]
        assert (beyer.affiliation, beyer.affiliation_source) == ("OpenAI (United States)", "openalex")
        assert zhai.affiliation == "Google"  # the list's own affiliation stands ...
        assert zhai.institutions[0].ror == "05wx9n238"  # ... and OpenAlex's institution is kept beside it
        assert [s.adapter for s in paper.sources] == ["paperlists", "openalex"]
        assert paper.citations == 5 and paper.abstract == "an abstract"

    def test_a_shared_title_without_shared_authors_is_two_works(self) -> None:
        paper = listed("A Survey of Graph Neural Networks", 2023, ["Ada Lovel", "Ben Kim"])
        other = work("W2", "A survey of graph neural networks", 2023, [("Wei Wang", "A9", None)])
        assert works.reconcile([paper, other]).folded == 0

    def test_a_preprint_folds_into_its_published_version(self) -> None:
        preprint = work("W3", "Sparse Mixtures of Vision Experts", 2024, [("Lucas Beyer", "A1", None)],
                        kind="preprint", citations=30)
        published = work("W4", "Sparse Mixtures of Vision Experts", 2025, [("Lucas Beyer", "A1", None)],
                         citations=12)
        done = works.reconcile([preprint, published])
        assert [r.source_id for r in done.records] == ["W4"]
        assert done.records[0].citations == 30  # OpenAlex counts the two apart: the larger stands

    def test_the_lists_own_id_outranks_openalex(self) -> None:
        paper = listed("Morphological Inflection Without Paradigms", 2024, ["Omer Goldman"])
        paper.authors[0].ids.append("orcid:0000-0001-0000-0001")
        same = work("W5", "Morphological Inflection Without Paradigms", 2024,
                    [("Omer Goldman", "A7", "0000-0009-9999-9999")])
        works.reconcile([paper, same])
        assert paper.authors[0].ids == ["orcid:0000-0001-0000-0001", "openalex:A7"]
        assert paper.issues[0].kind == "OpenAlex gives another id than the list"


class TestNewestCopy:
    def test_the_same_work_read_twice_is_kept_once_newest_first(self) -> None:
        old = work("W6", "A Paper Read Twice", 2024, [("Ada Lovel", "A3", None)], updated="2025-01-01",
                   file="updated_date=2025-01-01/part_000.gz", line=4)
        new = work("W6", "A Paper Read Twice", 2024, [("Ada Lovel", "A3", None)], updated="2025-06-01",
                   file="updated_date=2025-06-01/part_000.gz", line=9)
        skipped: list[SkippedRecord] = []
        done = works.reconcile([new, old], skipped)
        assert done.records == [new] and done.repeated == 1
        assert skipped[0].file == old.source_file and "newer and kept" in skipped[0].reason


class TestVetClusters:
    def test_a_cluster_twice_on_one_work_keeps_its_orcid_unused(self) -> None:
        merged = work("W7", "Two Wei Wangs Wrote This", 2024,
                      [("Wei Wang", "A8", "0000-0003-0000-0003"), ("Wei Wang", "A8", "0000-0003-0000-0003")])
        elsewhere = work("W8", "Another Wei Wang Paper", 2023, [("Wei Wang", "A8", "0000-0003-0000-0003")])
        done = works.reconcile([merged, elsewhere])
        assert done.vetted_clusters == 1
        assert all("orcid:0000-0003-0000-0003" not in a.ids for r in (merged, elsewhere) for a in r.authors)
        assert elsewhere.issues[0].kind == "OpenAlex author cluster holds several people"
        assert "two authors of one work" in elsewhere.issues[0].reason

    def test_a_cluster_with_more_works_a_year_than_a_person_writes(self) -> None:
        many = [work(f"W{9000 + k}", f"Paper number {k} of a busy year", 2024,
                     [("Yang Liu", "A10", "0000-0004-0000-0004")]) for k in range(works.MAX_WORKS_PER_YEAR + 1)]
        assert works.reconcile(many).vetted_clusters == 1
        assert "orcid:0000-0004-0000-0004" not in many[0].authors[0].ids

    def test_an_ordinary_cluster_keeps_its_orcid(self) -> None:
        one = work("W11", "A Normal Paper", 2024, [("Lucas Beyer", "A1", "0000-0002-1825-0097")])
        assert works.reconcile([one]).vetted_clusters == 0
        assert "orcid:0000-0002-1825-0097" in one.authors[0].ids
