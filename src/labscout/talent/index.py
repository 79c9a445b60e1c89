"""The full-text index of papers (tantivy BM25) and the column arrays expert search scores from.

The index is a derived cache beside the research store (`research.talent/`), keyed by the build it was made
from: papers only change with a full build, so the text index, the per-paper facts (impact normalised by venue
and year) and the query expansions learnt from the data are made once per build, never inside the ingest.
Who wrote each paper changes with every identity correction, so those arrays are cached under the store
file's own stamp (a correction replaces the file) and re-read from the store when it changes. Everything is
memory-mapped Arrow: opening the index costs the same whatever the store's size.
"""

from __future__ import annotations

import shutil
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import orjson
import pyarrow as pa
import pyarrow.compute as pc
import tantivy

from labscout.research import arrays
from labscout.research.store import ResearchStore
from labscout.talent import expansions

# Venues CSRankings counts for AI, vision, ML and NLP; the rest of the lists count for less.
TOP_VENUES = frozenset({"nips", "icml", "iclr", "cvpr", "iccv", "eccv", "acl", "emnlp", "naacl", "aaai", "ijcai",
                        "kdd"})
PRESENTATION = {"oral": 3.0, "spotlight": 2.0, "highlight": 2.0, "poster": 1.0, "workshop": 0.3}
INDEX_FORMAT = 4
ANALYZER = "labscout_en"
TEXT_FIELDS = ("title", "abstract", "keywords", "area", "track")
# A venue-year where most papers show zero citations was crawled before citations came in: unknown, not zero.
_CRAWLED_TOO_EARLY = 0.5

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]


def analyzer() -> tantivy.TextAnalyzer:
    """Words as the index holds them (tantivy's en_stem): queries are analysed with the very same."""
    return (tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple()).filter(tantivy.Filter.remove_long(40))
            .filter(tantivy.Filter.lowercase()).filter(tantivy.Filter.stemmer("english")).build())


@dataclass(slots=True)
class PaperArrays:
    """Per paper (by position, papers ordered by id): what scoring needs without a query to the store."""

    paper_ids: pa.Array
    titles: pa.Array
    venues: pa.Array
    decisions: pa.Array
    presentations: pa.Array
    years: Ints
    accepted: Bools
    n_authors: Ints
    citations: pa.Array          # raw Google Scholar counts (null: not given)
    cite_pct: Floats             # percentile of citations within venue and year; NaN where unknown
    rating: pa.Array             # raw average review rating (null: none published)
    rating_pct: Floats           # percentile of the rating within venue and year; NaN where unknown
    venue_weight: Floats         # accepted work: venue tier x how selective that venue-year was
    oral: Floats                 # 1 for an oral, 0.5 for a spotlight or highlight, else 0
    top_venue: Bools
    gain: Floats                 # oral 3, spotlight 2, poster 1, workshop 0.3 (the ranking evaluation's grades)
    # Authors of paper i: author_person/author_order[author_start[i]:author_start[i + 1]] (flat, for speed).
    author_start: Ints
    author_person: Ints
    author_order: Ints

    def __len__(self) -> int:
        return len(self.years)

    def authors(self, i: int) -> list[tuple[int, int]]:
        """(person index, author order) of every author of paper `i`."""
        lo, hi = int(self.author_start[i]), int(self.author_start[i + 1])
        return list(zip(self.author_person[lo:hi].tolist(), self.author_order[lo:hi].tolist(), strict=True))


@dataclass(slots=True)
class PeopleArrays:
    """Per person (by position, people ordered by id): id, name and what the filters look at."""

    person_ids: pa.Array
    names: pa.Array
    first_year: pa.Array
    last_year: pa.Array
    org_id: pa.Array
    org_year: pa.Array
    position: pa.Array
    accepted_papers: Ints        # accepted papers in this index (held-out papers not counted)
    _index_of: dict[str, int] | None = None

    def __len__(self) -> int:
        return len(self.person_ids)

    def name(self, i: int) -> str:
        return str(self.names[i].as_py())

    def index_of(self, person_id: str) -> int:
        """Position of a person id (KeyError when unknown)."""
        if self._index_of is None:
            self._index_of = {pid: i for i, pid in enumerate(self.person_ids.to_pylist())}
        return self._index_of[person_id]


@dataclass(slots=True)
class TalentIndex:
    """An open search index with its arrays; `latest_year` is the newest year the store covers well."""

    index: tantivy.Index
    searcher: tantivy.Searcher
    papers: PaperArrays
    people: PeopleArrays
    latest_year: int
    build_id: str
    # org id -> (name, kind, country, parent id): filters and results need them on every query.
    orgs: dict[str, tuple[str, str | None, str | None, str | None]]
    venue_names: dict[str, str]
    expansions: expansions.Expansions
    analyzer: tantivy.TextAnalyzer = field(default_factory=analyzer)
    # Corpus statistics for weighting query words.
    num_docs: int = 0

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
    for name in TEXT_FIELDS:
        builder.add_text_field(name, stored=False, tokenizer_name=ANALYZER)
    return builder.build()


def open_index(store: ResearchStore) -> TalentIndex:
    """The index for this store, built into the cache first when missing or made from another build."""
    build_id = f"{arrays.build_stamp(store)}|{INDEX_FORMAT}"
    folder = cache_dir(store.path)
    marker = folder / "BUILD"
    if not (marker.exists() and marker.read_text() == build_id):
        build_cache(store, folder, build_id)
    return _open(store, folder, build_id, hidden=frozenset())


def open_held_out(store: ResearchStore, hidden: Collection[str], folder: Path) -> TalentIndex:
    """An index of the store without the papers `hidden` (ids): as if they had never been published.

    Built whole into `folder` (text index, impact, expansions all from the remaining papers), for the
    leave-one-paper-out evaluation.
    """
    build_cache(store, folder, "held-out", hidden=frozenset(hidden))
    return _open(store, folder, "held-out", hidden=frozenset(hidden))


def build_cache(store: ResearchStore, folder: Path, build_id: str, hidden: frozenset[str] = frozenset()) -> None:
    """Text index, paper facts and expansions for one build, written beside and renamed into place."""
    tmp = folder.with_name(folder.name + ".building")
    shutil.rmtree(tmp, ignore_errors=True)
    (tmp / "tantivy").mkdir(parents=True)
    facts = arrays.paper_facts(store).table
    keep = _not_hidden(facts, hidden)
    _write_arrow(tmp / "papers.arrow", _paper_table(facts, keep))
    index = tantivy.Index(_schema(), path=str(tmp / "tantivy"))
    index.register_tokenizer(ANALYZER, analyzer())
    # One thread and a large heap: one segment, so document ids follow insertion order.
    writer = index.writer(heap_size=400_000_000, num_threads=1)
    learner = expansions.Learner(analyzer())
    for i, paper in enumerate(arrays.paper_texts(store)):
        if not keep[i]:
            continue
        doc = tantivy.Document()
        doc.add_unsigned("idx", i)
        doc.add_integer("year", paper.year)
        doc.add_text("title", paper.title)
        doc.add_text("abstract", " \n".join(t for t in (paper.tldr, paper.abstract) if t))
        doc.add_text("keywords", " ; ".join(paper.keywords))
        doc.add_text("area", paper.primary_area or "")
        doc.add_text("track", paper.track or "")
        writer.add_document(doc)
        learner.add(paper.title, paper.abstract, paper.tldr, paper.keywords)
    writer.commit()
    writer.wait_merging_threads()
    (tmp / "expansions.json").write_bytes(orjson.dumps(learner.finish().to_json()))
    (tmp / "BUILD").write_text(build_id)
    shutil.rmtree(folder, ignore_errors=True)
    tmp.rename(folder)


def _not_hidden(facts: pa.Table, hidden: frozenset[str]) -> Bools:
    if not hidden:
        return np.ones(facts.num_rows, dtype=np.bool_)
    mask = pc.is_in(facts.column("paper_id"), value_set=pa.array(sorted(hidden), type=pa.string()))
    return ~np.asarray(mask.to_numpy(zero_copy_only=False), dtype=np.bool_)


def _percentile(values: Floats, groups: Ints, known: Bools) -> Floats:
    """Rank of each known value within its group, 0 (lowest) .. 1 (highest); NaN where unknown."""
    out = np.full(len(values), np.nan)
    idx = np.flatnonzero(known)
    if not len(idx):
        return out
    order = idx[np.lexsort((values[idx], groups[idx]))]
    g = groups[order]
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    sizes = np.diff(np.r_[starts, len(order)])
    first = np.repeat(starts, sizes)
    size = np.repeat(sizes, sizes)
    # Ties share the mean of their positions: equal counts get equal credit.
    v = values[order]
    key = np.r_[True, (g[1:] != g[:-1]) | (v[1:] != v[:-1])]
    tie_start = np.flatnonzero(key)
    tie_size = np.diff(np.r_[tie_start, len(order)])
    tie_mean = np.repeat(tie_start + (tie_size - 1) / 2.0, tie_size) - first
    out[order] = np.where(size > 1, tie_mean / np.maximum(size - 1, 1), 0.5)
    return out


def _paper_table(facts: pa.Table, keep: Bools) -> pa.Table:
    """Per-paper facts plus what impact is made of, each normalised within its venue and year."""
    years = np.asarray(facts.column("year").to_numpy(zero_copy_only=False), dtype=np.int64)
    venues = facts.column("venue").to_pylist()
    decisions = facts.column("decision").to_pylist()
    presentations = facts.column("presentation").to_pylist()
    accepted = np.array([d == "accepted" for d in decisions], dtype=np.bool_) & keep
    group_of: dict[tuple[str, int], int] = {}
    groups = np.array([group_of.setdefault((v, int(y)), len(group_of)) for v, y in zip(venues, years, strict=True)],
                      dtype=np.int64)
    citations = np.asarray(facts.column("citations").fill_null(-1).to_numpy(zero_copy_only=False), dtype=np.float64)
    has_count = (citations >= 0) & keep
    zeros = np.bincount(groups, weights=(citations == 0) & has_count, minlength=len(group_of))
    counted = np.bincount(groups, weights=has_count, minlength=len(group_of))
    crawled = (counted > 0) & (zeros <= _CRAWLED_TOO_EARLY * np.maximum(counted, 1))
    cite_known = has_count & crawled[groups]
    cite_pct = _percentile(citations, groups, cite_known)
    ratings = np.asarray(facts.column("rating_avg").fill_null(np.nan).to_numpy(zero_copy_only=False),
                         dtype=np.float64)
    rating_known = ~np.isnan(ratings) & keep
    rated = np.bincount(groups, weights=rating_known, minlength=len(group_of))
    rating_pct = _percentile(np.nan_to_num(ratings), groups, rating_known & (rated[groups] > 10))
    # An accepted paper among 3,000 that year counts less than one among 300: scale by the venue-year.
    size = np.bincount(groups, weights=accepted, minlength=len(group_of))
    typical = float(np.median(size[size > 0])) if (size > 0).any() else 1.0
    scale = np.clip(np.sqrt(typical / np.maximum(size, 1)), 0.5, 2.0)[groups]
    top = np.array([v in TOP_VENUES for v in venues], dtype=np.bool_)
    venue_weight = np.where(accepted, np.where(top, 1.0, 0.6) * scale, 0.0)
    oral = np.array([1.0 if p == "oral" else 0.5 if p in ("spotlight", "highlight") else 0.0 for p in presentations])
    gain = np.array([PRESENTATION.get(p or "", 1.0) for p in presentations])
    return pa.table({
        "paper_id": facts.column("paper_id"), "title": facts.column("title"), "venue": facts.column("venue"),
        "decision": facts.column("decision"), "presentation": facts.column("presentation"),
        "year": pa.array(years), "accepted": pa.array(accepted),
        "n_authors": pa.array(np.asarray(facts.column("n_authors").fill_null(0).to_numpy(zero_copy_only=False),
                                         dtype=np.int64)),
        "citations": facts.column("citations"), "cite_pct": pa.array(cite_pct),
        "rating": facts.column("rating_avg"), "rating_pct": pa.array(rating_pct),
        "venue_weight": pa.array(venue_weight), "oral": pa.array(oral), "top_venue": pa.array(top),
        "gain": pa.array(gain), "kept": pa.array(keep),
    })


def _write_arrow(path: Path, table: pa.Table) -> None:
    tmp = path.with_name(path.name + ".tmp")
    # One record batch: every column reads back as one contiguous, memory-mapped array (no copy on open).
    table = table.combine_chunks()
    with pa.OSFile(str(tmp), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table, max_chunksize=max(table.num_rows, 1))
    tmp.rename(path)


def _read_arrow(path: Path) -> pa.Table:
    return pa.ipc.open_file(pa.memory_map(str(path), "r")).read_all()


def _numpy(table: pa.Table, name: str, dtype: Any) -> Any:
    # Numbers without nulls are read in place from the memory map; booleans (bit-packed) are unpacked.
    return np.asarray(_col(table, name).to_numpy(zero_copy_only=False), dtype=dtype)


def _col(table: pa.Table, name: str) -> pa.Array:
    # The cache files hold one record batch: its column is used as it lies in the memory map (combine_chunks
    # would copy it, tenfold on a ten times larger store).
    column = table.column(name)
    return column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()


def _open(store: ResearchStore, folder: Path, build_id: str, hidden: frozenset[str]) -> TalentIndex:
    facts = _read_arrow(folder / "papers.arrow")
    people, links = _authorship_tables(store, folder, facts, cached=not hidden)
    kept = _numpy(facts, "kept", np.bool_)
    paper = _numpy(links, "paper", np.int64)
    person = _numpy(links, "person", np.int64)
    order = _numpy(links, "order", np.int64)
    if not kept.all():
        # Held-out papers credit nobody: their authorships are dropped.
        mine = kept[paper]
        paper, person, order = paper[mine], person[mine], order[mine]
    counts = np.bincount(paper, minlength=facts.num_rows)
    start = np.zeros(facts.num_rows + 1, dtype=np.int64)
    np.cumsum(counts, out=start[1:])
    accepted = _numpy(facts, "accepted", np.bool_)
    papers = PaperArrays(
        paper_ids=_col(facts, "paper_id"), titles=_col(facts, "title"), venues=_col(facts, "venue"),
        decisions=_col(facts, "decision"), presentations=_col(facts, "presentation"),
        years=_numpy(facts, "year", np.int64), accepted=accepted, n_authors=_numpy(facts, "n_authors", np.int64),
        citations=_col(facts, "citations"), cite_pct=_numpy(facts, "cite_pct", np.float64),
        rating=_col(facts, "rating"), rating_pct=_numpy(facts, "rating_pct", np.float64),
        venue_weight=_numpy(facts, "venue_weight", np.float64), oral=_numpy(facts, "oral", np.float64),
        top_venue=_numpy(facts, "top_venue", np.bool_), gain=_numpy(facts, "gain", np.float64),
        author_start=start, author_person=person, author_order=order)
    folks = PeopleArrays(
        person_ids=_col(people, "person_id"), names=_col(people, "name"), first_year=_col(people, "first_year"),
        last_year=_col(people, "last_year"), org_id=_col(people, "latest_org_id"),
        org_year=_col(people, "latest_org_year"), position=_col(people, "latest_position"),
        accepted_papers=np.bincount(person[accepted[paper]], minlength=people.num_rows).astype(np.int64))
    index = tantivy.Index(_schema(), path=str(folder / "tantivy"), reuse=True)
    index.register_tokenizer(ANALYZER, analyzer())
    searcher = index.searcher()
    orgs = arrays.organisations(store)
    learnt = expansions.Expansions.from_json(orjson.loads((folder / "expansions.json").read_bytes()))
    return TalentIndex(index, searcher, papers, folks, _latest_full_year(papers.years[kept]), build_id, orgs,
                       arrays.venue_names(store), learnt, num_docs=searcher.num_docs)


def _authorship_tables(store: ResearchStore, folder: Path, facts: pa.Table, cached: bool) -> tuple[pa.Table, pa.Table]:
    """People and who wrote what, from the cache when the store file is the one they were read from."""
    stamp = arrays.file_stamp(store)
    people_file, links_file = folder / f"people-{stamp}.arrow", folder / f"authors-{stamp}.arrow"
    if cached and people_file.exists() and links_file.exists():
        return _read_arrow(people_file), _read_arrow(links_file)
    people = arrays.people_facts(store).table
    found = arrays.authorships(store, facts.column("paper_id").combine_chunks(),
                               people.column("person_id").combine_chunks())
    links = pa.table({"paper": pc.cast(found.paper, pa.int32()), "person": pc.cast(found.person, pa.int32()),
                      "order": pc.cast(found.order, pa.int32())})
    if cached:
        for old in [*folder.glob("people-*.arrow"), *folder.glob("authors-*.arrow")]:
            old.unlink(missing_ok=True)
        _write_arrow(people_file, people)
        _write_arrow(links_file, links)
    return people, links


def _latest_full_year(years: Iterable[int] | Ints) -> int:
    """The newest year the sources cover well: a year holding a few early lists of the next is not 'now'."""
    arr = np.asarray(years, dtype=np.int64)
    if not len(arr):
        return 0
    counts = np.bincount(arr - arr.min())
    return int(arr.min() + np.flatnonzero(counts >= counts.max() / 2).max())

