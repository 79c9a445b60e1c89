"""The full-text index of papers (tantivy BM25) and the compact arrays expert search scores from.

The index is a derived cache beside the research store, keyed by the build it was made from: papers only
change with a full build, so it is made once per build (a few seconds), never inside the ingest. Who wrote
each paper is read from the store every time the index is opened, so a correction that moves papers between
people is seen by the next search without re-indexing.
"""

from __future__ import annotations

import math
import shutil
import statistics
from collections import defaultdict
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path

import tantivy

from labscout.research import arrays
from labscout.research.arrays import PaperText
from labscout.research.store import ResearchStore

# Venues CSRankings counts for AI, vision, ML and NLP; the rest of the lists count for less.
TOP_VENUES = frozenset({"nips", "icml", "iclr", "cvpr", "iccv", "eccv", "acl", "emnlp", "naacl", "aaai", "ijcai",
                        "kdd"})
PRESENTATION = {"oral": 3.0, "spotlight": 2.0, "highlight": 2.0, "poster": 1.0, "workshop": 0.3}
INDEX_FORMAT = 1


@dataclass(slots=True)
class PaperArrays:
    """Per paper (by index position): what scoring needs without a query to the store."""

    paper_ids: list[str]
    years: list[int]
    venues: list[str]
    accepted: list[bool]
    decisions: list[str]
    presentations: list[str | None]
    quality: list[float]        # how strong the paper is as accepted work, normalised by venue and year
    n_authors: list[int]
    titles: list[str]
    # Authors of paper i: author_person/author_order[author_start[i]:author_start[i + 1]] (flat, for speed).
    author_start: list[int]
    author_person: list[int]
    author_order: list[int]

    def authors(self, i: int) -> list[tuple[int, int]]:
        """(person index, author order) of every author of paper `i`."""
        lo, hi = self.author_start[i], self.author_start[i + 1]
        return list(zip(self.author_person[lo:hi], self.author_order[lo:hi], strict=True))


@dataclass(slots=True)
class PeopleArrays:
    """Per person (by index position): id, name and what the filters look at."""

    person_ids: list[str]
    names: list[str]
    first_year: list[int]
    last_year: list[int]
    org_id: list[str | None]
    org_year: list[int | None]
    position: list[str | None]
    index_of: dict[str, int]


@dataclass(slots=True)
class TalentIndex:
    """An open search index with its arrays; `latest_year` is the newest year in the store."""

    index: tantivy.Index
    searcher: tantivy.Searcher
    papers: PaperArrays
    people: PeopleArrays
    latest_year: int
    build_id: str
    # org id -> (name, kind, country, parent id): filters and results need them on every query.
    orgs: dict[str, tuple[str, str | None, str | None, str | None]]
    venue_names: dict[str, str]

    def family(self, org_id: str) -> set[str]:
        """An organisation and everything under it."""
        children: dict[str, list[str]] = defaultdict(list)
        for oid, (_, _, _, parent) in self.orgs.items():
            if parent:
                children[parent].append(oid)
        found, pending = {org_id}, [org_id]
        while pending:
            for child in children.get(pending.pop(), []):
                if child not in found:
                    found.add(child)
                    pending.append(child)
        return found


def cache_dir(store_path: Path) -> Path:
    return store_path.with_name(store_path.stem + ".talent")


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_unsigned_field("idx", stored=False, fast=True, indexed=False)
    builder.add_integer_field("year", stored=False, fast=True, indexed=True)
    builder.add_text_field("title", stored=False, tokenizer_name="en_stem")
    builder.add_text_field("keywords", stored=False, tokenizer_name="en_stem")
    builder.add_text_field("area", stored=False, tokenizer_name="en_stem")
    return builder.build()


def open_index(store: ResearchStore) -> TalentIndex:
    """The index for this store, built into the cache first when missing or made from another build."""
    info = arrays.build_info(store)
    build_id = f"{info.get('built_at', '')}|{INDEX_FORMAT}"
    folder = cache_dir(store.path)
    marker = folder / "BUILD"
    if not (marker.exists() and marker.read_text() == build_id):
        _build(folder, arrays.paper_texts(store))
        (folder / "BUILD").write_text(build_id)
    index = tantivy.Index(_schema(), path=str(folder / "tantivy"), reuse=True)
    papers = _paper_arrays(store)
    people = _people_arrays(store)
    latest = _latest_full_year(papers.years)
    orgs = {oid: (o.name, o.kind, o.country, o.parent_id) for oid, o in arrays.org_facts(store).items()}
    venues = arrays.venue_names(store)
    return TalentIndex(index, index.searcher(), papers, people, latest, build_id, orgs, venues)


def _latest_full_year(years: list[int]) -> int:
    """The newest year the sources cover well: a year holding a few early lists of the next is not 'now'."""
    counts: dict[int, int] = defaultdict(int)
    for year in years:
        counts[year] += 1
    if not counts:
        return 0
    busiest = max(counts.values())
    return max(y for y, n in counts.items() if n >= busiest / 2)


def _build(folder: Path, rows: list[PaperText]) -> None:
    # Built beside and renamed into place: a search never meets a half-written index.
    tmp = folder.with_name(folder.name + ".building")
    shutil.rmtree(tmp, ignore_errors=True)
    (tmp / "tantivy").mkdir(parents=True)
    index = tantivy.Index(_schema(), path=str(tmp / "tantivy"))
    # One thread and a large heap: one segment, so document ids follow insertion order.
    writer = index.writer(heap_size=400_000_000, num_threads=1)
    for i, row in enumerate(rows):
        doc = tantivy.Document()
        doc.add_unsigned("idx", i)
        doc.add_integer("year", int(row.year))
        doc.add_text("title", row.title or "")
        doc.add_text("keywords", " ; ".join(str(k) for k in row.keywords or []))
        doc.add_text("area", row.primary_area or "")
        writer.add_document(doc)
    writer.commit()
    writer.wait_merging_threads()
    shutil.rmtree(folder, ignore_errors=True)
    tmp.rename(folder)


def _paper_arrays(store: ResearchStore) -> PaperArrays:
    table = arrays.paper_table(store)
    cols = {name: table.column(name).to_pylist() for name in table.column_names}
    years, venues, decisions = cols["year"], cols["venue"], cols["decision"]
    presentations, ratings = cols["presentation"], cols["rating_avg"]
    by_venue_year: dict[tuple[str, int], list[int]] = defaultdict(list)
    rated: dict[tuple[str, int], list[float]] = defaultdict(list)
    for i, key in enumerate(zip(venues, years, strict=True)):
        if decisions[i] == "accepted":
            by_venue_year[key].append(i)
        if ratings[i] is not None:
            rated[key].append(float(ratings[i]))
    sizes = [len(v) for v in by_venue_year.values()]
    typical = statistics.median(sizes) if sizes else 1.0
    spread = {k: (statistics.mean(v), statistics.pstdev(v) or 1.0) for k, v in rated.items() if len(v) > 10}
    quality = [0.0] * len(years)
    for key, members in by_venue_year.items():
        # An accepted paper among 3,000 that year counts less than one among 300: scale by the venue-year.
        scale = min(2.0, max(0.5, math.sqrt(typical / len(members))))
        tier = 1.0 if key[0] in TOP_VENUES else 0.6
        mean, sd = spread.get(key, (0.0, 0.0))
        for i in members:
            q = tier * scale * PRESENTATION.get(presentations[i] or "", 1.0)
            if sd and ratings[i] is not None:
                q *= min(2.0, max(0.5, math.exp(0.3 * (float(ratings[i]) - mean) / sd)))
            quality[i] = q
    # Authors in paper order, positions computed in the store (both lists are ordered by id there too).
    authors = arrays.author_positions(store)
    counts = arrays.author_counts(store)
    return PaperArrays(
        paper_ids=cols["paper_id"], years=years, venues=venues, accepted=[d == "accepted" for d in decisions],
        decisions=decisions, presentations=presentations, quality=quality,
        n_authors=[n or 0 for n in cols["n_authors"]],
        titles=cols["title"], author_start=[0, *accumulate(counts)],
        author_person=authors.column(0).to_pylist(), author_order=authors.column(1).to_pylist())


def _people_arrays(store: ResearchStore) -> PeopleArrays:
    table = arrays.people_table(store)
    cols = {name: table.column(name).to_pylist() for name in table.column_names}
    ids = cols["person_id"]
    return PeopleArrays(ids, cols["name"], cols["first_year"], cols["last_year"], cols["latest_org_id"],
                        cols["latest_org_year"], cols["latest_position"], {pid: i for i, pid in enumerate(ids)})
