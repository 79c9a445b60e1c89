"""Expert search: people ranked for a need written in plain words, each score broken into parts with the papers
behind it.

Papers are found by BM25 (tantivy) over everything the record says about them: title, abstract and TL;DR,
keywords, primary area and venue track, fields weighted, phrases of the query counted, the words that say
most weighted up, acronyms and related keywords learnt from the data added (`talent/query.py`). Each matching
paper credits its authors by how well it matches, their place on it (first and last authors carry a paper)
and how recent it is: that is **relevance**. Impact is the strength of the same on-topic papers, each part
normalised within its venue and year so that a 2024 paper is not buried under a 2016 one: **citations**
(Google Scholar, as a percentile of the venue-year), **orals** (orals and spotlights), **reviews** (the review
rating's percentile) and **venue** (accepted at a selective venue). **Momentum** compares the recent
on-topic output with the years before. All weights are in `RankWeights`.

`find_experts` is the public entry point (the CLI, the API, the web page and the team builder call it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from labscout.errors import InvalidError
from labscout.research import queries
from labscout.research.store import ResearchStore
from labscout.talent import query as query_mod
from labscout.talent.expansions import STOP_WORDS
from labscout.talent.index import TalentIndex

__all__ = ["PARTS", "STOP_WORDS", "Evidence", "ExpertHit", "RankWeights", "SearchFilters", "find_experts",
           "matching_papers", "ranked_people", "score_people", "seniority"]

_SENIOR = ("professor", "principal", "director", "head", "lead", "senior", "chief", "staff", "manager", "fellow")
_JUNIOR = ("student", "phd", "master", "undergrad", "intern", "postdoc")

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]

PARTS = ("relevance", "citations", "orals", "reviews", "venue", "momentum")


@dataclass(frozen=True)
class RankWeights:
    """Every knob of the ranking, in one place."""

    relevance: float = 1.0
    citations: float = 0.5
    orals: float = 0.2
    reviews: float = 0.1
    venue: float = 0.3
    momentum: float = 0.3
    # Credit by place on the paper: first author did the work, last author led it.
    first_author: float = 1.0
    last_author: float = 0.8
    middle_author: float = 0.6
    # The same for a long query (a paper's title and keywords, a description of one piece of work), linear in
    # between as the match power (`match_power_short`). Such a query asks who did that work: its close matches
    # are often a PhD student's few first-author papers, which their advisor (last) and prolific co-authors
    # (middle) share while holding many more on the topic, so the whole credit of the short query ranks them
    # above the student. Leave-one-out, tuning sample (seed 16, 500; `bench/heldout_weights.py`), top-1/10/100:
    # 0.8 / 0.6 (as short) 4.0 / 16.6 / 33.2%; 0.5 / 0.5 5.8 / 18.8 / 34.4%; 0.2 / 0.2 5.8 / 18.2 / 35.0%;
    # 0.3 / 0.3 5.8 / 18.8 / 35.2%; 0.2 / 0.4 6.2 / 19.4 / 35.8%; 0.3 / 0.4 (chosen) 6.2 / 19.4 / 35.4%; first
    # author 2.0 with the others as short 5.8 / 18.4 / 34.8%. NDCG (short topics) does not see these.
    long_first_author: float = 1.0
    long_last_author: float = 0.3
    long_middle_author: float = 0.4
    # A paper's weight halves every this many years before the newest year considered.
    half_life_years: float = 2.0
    # Rejected or withdrawn work shows activity on the topic, not accomplishment.
    not_accepted: float = 0.3
    # A paper's match (BM25 relative to the best paper) is raised to a power that grows with how much the query
    # says. A short topic ("diffusion models") names a field: papers match it about equally and BM25's small
    # differences are length noise, so on-topic volume counts (power 1). A long description (a paper's title and
    # keywords, a need sentence) names a piece of work: the close matches are the evidence (power 3). "How much
    # the query says" is the sum of its words' weights (a specific word 1, "model" about 0.2): the evaluation
    # topics weigh 1.3-3.3, a paper's title and keywords 4-25 (median 6.8). Between the two ends, linear.
    # Measured on the tuning halves (NDCG@50 cutoff 2020; leave-one-out seed 16, 500): power 1 everywhere
    # (half-life 2) 0.365 / 6.0% top-10; 2 everywhere (the previous default, half-life 3) 0.339 / 12.6%;
    # this 0.365 / 13.6%.
    match_power_short: float = 1.0
    match_power_long: float = 3.0
    short_query_weight: float = 3.3
    long_query_weight: float = 6.0
    # Papers fetched per query; people are ranked from these.
    papers_considered: int = 2000
    # For a query with a specific and a generic part ("large-scale distributed training infrastructure":
    # "distributed training" and "infrastructure" are specific, "large-scale" is not), a paper holding none of
    # the specific part counts this much; only below the long-query match power (a paper's own title and
    # keywords are specific almost word by word). Only when the core is held by fewer papers than are
    # considered (looked up in one search): a core as wide as "graph" or "diffusion" is on most papers found,
    # and finding them all would cost more than the rest of the query.
    off_core: float = 0.3
    # Momentum compares the last `recent_years` with the `earlier_years` before them.
    recent_years: int = 2
    earlier_years: int = 3
    fields: query_mod.FieldBoosts = field(default_factory=query_mod.FieldBoosts)


@dataclass(frozen=True, slots=True)
class SearchFilters:
    org: str | None = None
    org_kind: str | None = None
    country: str | None = None
    since: int | None = None
    seniority: str | None = None
    exclude_org: str | None = None


@dataclass(frozen=True, slots=True)
class Evidence:
    paper_id: str
    title: str
    venue: str
    year: int
    decision: str
    presentation: str | None
    author_order: int
    n_authors: int
    contribution: float
    match: float
    citations: int | None
    rating: float | None


@dataclass(frozen=True, slots=True)
class ExpertHit:
    rank: int
    person_id: str
    name: str
    score: float
    parts: dict[str, float]
    papers_on_topic: int
    evidence: list[Evidence]
    org_id: str | None
    org: str | None
    org_year: int | None
    position: str | None
    first_year: int | None
    last_year: int | None


@dataclass(slots=True)
class Scored:
    """Every person credited by the papers matching a query, with their score parts (position-aligned)."""

    people: Ints                # person index
    score: Floats
    parts: dict[str, Floats]
    papers: Ints                # matching papers per person
    # Per authorship of a matching paper: paper, its person's row in `people`, author order, contribution.
    link_paper: Ints
    link_row: Ints
    link_order: Ints
    link_credit: Floats
    match: dict[int, float]     # paper index -> match 0..1

    def ranked(self, at_least: int | None = None) -> Ints:
        """Rows of `people` best first (ties by person index, so results are stable); with `at_least`, only
        enough of the best to hold that many."""
        rows = np.arange(len(self.score))
        if at_least is not None and at_least < len(rows):
            # Everyone scoring at least the at_least-th best score, ties included: then sorted.
            cut = np.partition(-self.score, at_least - 1)[at_least - 1]
            rows = np.flatnonzero(-self.score <= cut)
        return rows[np.lexsort((self.people[rows], -self.score[rows]))]


def matching_papers(ti: TalentIndex, text: str, *, until: int | None = None, since: int | None = None,
                    weights: RankWeights = RankWeights()) -> dict[int, float]:
    """Paper index -> how well it matches `text` (BM25 relative to the best match, 0..1)."""
    papers, scores, _ = _matches(ti, text, until=until, since=since, weights=weights)
    return dict(zip(papers.tolist(), scores.tolist(), strict=True))


def match_power(plan: query_mod.QueryPlan, weights: RankWeights) -> float:
    """The power a paper's match is raised to for this query (see `RankWeights.match_power_short`)."""
    said = sum(t.weight for t in plan.terms)
    lo, hi = weights.short_query_weight, weights.long_query_weight
    share = min(max((said - lo) / (hi - lo), 0.0), 1.0) if hi > lo else float(said >= hi)
    return weights.match_power_short + share * (weights.match_power_long - weights.match_power_short)


def _longness(power: float, weights: RankWeights) -> float:
    """How long the query is, 0 (short) .. 1 (long), read back from its match power."""
    span = weights.match_power_long - weights.match_power_short
    return min(max((power - weights.match_power_short) / span, 0.0), 1.0) if span else 0.0


def _matches(ti: TalentIndex, text: str, *, until: int | None, since: int | None,
             weights: RankWeights) -> tuple[Ints, Floats, float]:
    years = (since if since is not None else 0, until if until is not None else 9999) \
        if since is not None or until is not None else None
    plan = query_mod.plan_query(ti, text, weights.fields, years)
    power = match_power(plan, weights)
    if plan.query is None:
        return np.zeros(0, dtype=np.int64), np.zeros(0), power
    hits = ti.searcher.search(plan.query, weights.papers_considered, count=False).hits
    if not hits:
        return np.zeros(0, dtype=np.int64), np.zeros(0), power
    idx = np.asarray(ti.searcher.fast_field_values("idx", [address for _, address in hits]), dtype=np.int64)
    scores = np.asarray([score for score, _ in hits], dtype=np.float64)
    if plan.core is not None and weights.off_core < 1.0 and power < weights.match_power_long:
        core_hits = ti.searcher.search(plan.core, weights.papers_considered, count=False).hits
        if len(core_hits) < weights.papers_considered:
            core = np.asarray(ti.searcher.fast_field_values("idx", [address for _, address in core_hits]),
                              dtype=np.int64)
            scores = np.where(np.isin(idx, core), scores, scores * weights.off_core)
            order = np.argsort(-scores, kind="stable")
            idx, scores = idx[order], scores[order]
    return idx, scores / (scores[0] or 1.0), power


def score_people(ti: TalentIndex, text: str, *, until: int | None = None, since: int | None = None,
                 weights: RankWeights = RankWeights(),
                 matches: tuple[Ints, Floats, float] | None = None) -> Scored | None:
    """Every person the papers matching `text` credit, with score parts; None when no paper matches.

    `matches` (paper indexes, their match 0..1 best first, the match power) replaces the text search: for
    measuring other ways of finding papers (bench/embeddings.py) with the same crediting of people.
    """
    idx, match, power = matches or _matches(ti, text, until=until, since=since, weights=weights)
    if not len(idx):
        return None
    p = ti.papers
    now = until if until is not None else ti.latest_year
    # Every authorship of every matching paper, flat.
    lo, hi = p.author_start[idx], p.author_start[idx + 1]
    sizes = hi - lo
    if not sizes.sum():
        return None
    which = np.repeat(np.arange(len(idx)), sizes)
    links = np.arange(int(sizes.sum())) - np.repeat(np.cumsum(sizes) - sizes, sizes) + np.repeat(lo, sizes)
    person, order = p.author_person[links], p.author_order[links]
    paper = idx[which]
    n = np.maximum(p.n_authors[paper], sizes[which])
    long = _longness(power, weights)
    first, last, middle = ((1 - long) * short + long * wide for short, wide in (
        (weights.first_author, weights.long_first_author), (weights.last_author, weights.long_last_author),
        (weights.middle_author, weights.long_middle_author)))
    place = np.where((order == 0) | (n == 1), first, np.where(order == n - 1, last, middle))
    strength = match[which] ** power * place
    year = p.years[paper]
    accepted = p.accepted[paper]
    recency = 0.5 ** (np.maximum(now - year, 0) / weights.half_life_years)
    relevance = strength * recency * np.where(accepted, 1.0, weights.not_accepted)
    people, row = np.unique(person, return_inverse=True)
    row = row.reshape(-1)

    def total(values: Floats) -> Floats:
        return np.asarray(np.bincount(row, weights=values, minlength=len(people)), dtype=np.float64)

    rel = total(relevance)
    on = strength * accepted
    sums = {"citations": total(on * np.nan_to_num(p.cite_pct[paper], nan=0.5)),
            "orals": total(on * p.oral[paper]),
            "reviews": total(on * np.nan_to_num(p.rating_pct[paper], nan=0.5)),
            "venue": total(on * p.venue_weight[paper])}
    recent_from = now - weights.recent_years
    earlier_from = recent_from - weights.earlier_years
    recent = total(strength * (year > recent_from))
    earlier = total(strength * ((year > earlier_from) & (year <= recent_from)))
    per_year = weights.recent_years / weights.earlier_years
    momentum = np.clip(np.log((recent + 0.5) / (earlier * per_year + 0.5)) / 2, -1.0, 1.0)
    parts = {"relevance": weights.relevance * rel / (rel.max() or 1.0)}
    for name, values in sums.items():
        # Impact with diminishing returns: the tenth strong paper adds less than the first.
        scaled = np.sqrt(values / (values.max() or 1.0))
        parts[name] = getattr(weights, name) * scaled
    parts["momentum"] = weights.momentum * momentum
    score = sum(parts.values(), np.zeros(len(people)))
    credit = relevance / (relevance.max() or 1.0)
    return Scored(people, score, parts, np.bincount(row, minlength=len(people)).astype(np.int64), paper, row,
                  order, credit, dict(zip(idx.tolist(), match.tolist(), strict=True)))


def find_experts(store: ResearchStore, ti: TalentIndex, query: str, *, top: int = 50,
                 filters: SearchFilters | None = None, weights: RankWeights = RankWeights()) -> list[ExpertHit]:
    """The `top` people for `query`, best first, each with score parts, evidence and latest organisation."""
    filters = filters or SearchFilters()
    _check(filters, top, ti)
    keep = _filter(store, ti, filters)
    scored = score_people(ti, query, since=filters.since, weights=weights)
    if scored is None:
        return []
    rows = scored.ranked(at_least=top if keep is None else None)
    if keep is None:
        return _hits(ti, scored, rows[:top].tolist())
    # Filtered in growing slices of the ranking: the top is usually found long before its end.
    chosen: list[int] = []
    start, size = 0, 8 * top
    while start < len(rows) and len(chosen) < top:
        part = rows[start:start + size]
        chosen += part[keep(scored.people[part])].tolist()[:top - len(chosen)]
        start, size = start + size, size * 2
    return _hits(ti, scored, chosen)


def ranked_people(ti: TalentIndex, query: str, *, until: int | None = None,
                  weights: RankWeights = RankWeights()) -> list[int]:
    """Person indexes best first, unfiltered: what the evaluations measure."""
    scored = score_people(ti, query, until=until, weights=weights)
    return [] if scored is None else scored.people[scored.ranked()].tolist()


def _check(filters: SearchFilters, top: int, ti: TalentIndex) -> None:
    if not 1 <= top <= 1000:
        raise InvalidError(f"top: the number of results must be between 1 and 1000, not {top}", field="top")
    if filters.since is not None and not 1950 <= filters.since <= ti.latest_year:
        raise InvalidError(f"since: {filters.since} is outside the store, which holds papers from 1950 up to "
                           f"{ti.latest_year}", field="since")
    if filters.seniority not in (None, "junior", "senior"):
        raise InvalidError(f"seniority: junior or senior, not {filters.seniority!r}", field="seniority")
    kinds = ("industry", "university", "startup", "government")
    if filters.org_kind is not None and not any(filters.org_kind.startswith(k) for k in kinds):
        raise InvalidError(f"org_kind: one of industry, university, startup, government; not {filters.org_kind!r}",
                           field="org_kind")
    if filters.country is not None and not (len(filters.country) == 2 and filters.country.isalpha()):
        raise InvalidError(f"country: a two-letter code such as US, GB or CN, not {filters.country!r}",
                           field="country")


def _filter(store: ResearchStore, ti: TalentIndex, f: SearchFilters) -> Callable[[Ints], Bools] | None:
    """Which of the given people pass the filters (None: no filter); one take per column, not a look-up per
    person: an organisation filter may go through thousands of people before it finds the top 50."""
    if not any((f.org, f.exclude_org, f.org_kind, f.country, f.seniority)):
        return None
    include = ti.family(queries.resolve_org(store, f.org, field="org")) if f.org else None
    exclude = ti.family(queries.resolve_org(store, f.exclude_org, field="exclude_org")) if f.exclude_org else set()
    kind = {"industry": "industry_lab", "university": "university", "startup": "startup",
            "government": "government_nonprofit"}.get((f.org_kind or "").split("_")[0]) if f.org_kind else None
    country = f.country.upper() if f.country else None
    allowed = include
    if kind or country:
        fits = {oid for oid, (_, k, c, _) in ti.orgs.items()
                if (not kind or k == kind) and (not country or c == country)}
        allowed = fits if allowed is None else allowed & fits
    people = ti.people

    def keep(persons: Ints) -> Bools:
        take = _positions(persons)
        org_ids = people.org_id.take(take)
        ok = np.ones(len(persons), dtype=np.bool_)
        if allowed is not None:
            ok &= _is_in(org_ids, allowed)
        if exclude:
            ok &= ~_is_in(org_ids, exclude)
        if f.seniority:
            positions = people.position.take(take).to_pylist()
            firsts = people.first_year.take(take).to_pylist()
            ok &= np.array([seniority(pos, first, ti.latest_year) == f.seniority
                            for pos, first in zip(positions, firsts, strict=True)], dtype=np.bool_)
        return ok

    return keep


def _is_in(values: pa.Array, among: set[str]) -> Bools:
    found = pc.is_in(values, value_set=pa.array(sorted(among), type=pa.string()))
    return np.asarray(found.fill_null(False).to_numpy(zero_copy_only=False), dtype=np.bool_)


def seniority(position: str | None, first_year: int | None, latest_year: int) -> str:
    """junior or senior: from the stated position when there is one, else from the length of the record."""
    words = (position or "").lower()
    if any(w in words for w in _SENIOR):
        return "senior"
    if any(w in words for w in _JUNIOR) or " ms " in f" {words} ":
        return "junior"
    return "junior" if first_year is None or latest_year - first_year < 6 else "senior"


def _hits(ti: TalentIndex, scored: Scored, chosen: list[int]) -> list[ExpertHit]:
    papers, folks = ti.papers, ti.people
    # The five best papers of each chosen person, found in one sort; their facts read in one take per column.
    mine = np.flatnonzero(np.isin(scored.link_row, np.asarray(chosen, dtype=np.int64)))
    mine = mine[np.lexsort((-scored.link_credit[mine], scored.link_row[mine]))]
    rows = scored.link_row[mine]
    first = np.r_[True, rows[1:] != rows[:-1]] if len(rows) else np.zeros(0, dtype=np.bool_)
    nth = np.arange(len(rows)) - np.maximum.accumulate(np.where(first, np.arange(len(rows)), 0))
    best = mine[nth < 5]
    paper = scored.link_paper[best]
    take = _positions(paper)
    ids, titles, venues, decisions, shows, cites, ratings = (
        column.take(take).to_pylist() for column in (papers.paper_ids, papers.titles, papers.venues,
                                                     papers.decisions, papers.presentations, papers.citations,
                                                     papers.rating))
    # Numbers read and rounded a column at a time: one Python call per value costs a millisecond a query.
    years, sizes = papers.years[paper].tolist(), papers.n_authors[paper].tolist()
    owners, orders = scored.link_row[best].tolist(), scored.link_order[best].tolist()
    credits = np.round(scored.link_credit[best], 4).tolist()
    matches = np.round(np.asarray([scored.match[i] for i in paper.tolist()], dtype=np.float64), 4).tolist()
    evidence: dict[int, list[Evidence]] = {}
    for n in range(len(best)):
        evidence.setdefault(owners[n], []).append(Evidence(
            ids[n], titles[n], ti.venue_names.get(venues[n], venues[n]), years[n], decisions[n], shows[n],
            orders[n], sizes[n], credits[n], matches[n], cites[n],
            round(float(ratings[n]), 2) if ratings[n] is not None else None))
    person = _positions(scored.people[np.asarray(chosen, dtype=np.int64)])
    pids, names, org_ids, org_years, positions, firsts, lasts = (
        column.take(person).to_pylist() for column in (folks.person_ids, folks.names, folks.org_id, folks.org_year,
                                                       folks.position, folks.first_year, folks.last_year))
    at = np.asarray(chosen, dtype=np.int64)
    scores, counts = np.round(scored.score[at], 4).tolist(), scored.papers[at].tolist()
    parts = {k: np.round(v[at], 4).tolist() for k, v in scored.parts.items()}
    hits = []
    for n, r in enumerate(chosen):
        org_id = org_ids[n]
        hits.append(ExpertHit(
            rank=n + 1, person_id=pids[n], name=names[n], score=scores[n],
            parts={k: v[n] for k, v in parts.items()},
            papers_on_topic=counts[n], evidence=evidence.get(r, []), org_id=org_id,
            org=ti.orgs[org_id][0] if org_id in ti.orgs else None, org_year=org_years[n], position=positions[n],
            first_year=firsts[n], last_year=lasts[n]))
    return hits


def _positions(values: Ints) -> pa.Array:
    """Positions for `take`, as an Arrow view of the numpy array: `pa.array(ndarray)` would import numpy.ma on
    first use, a quarter of a second of the first query after start."""
    flat = np.ascontiguousarray(values, dtype=np.int64)
    return pa.Array.from_buffers(pa.int64(), len(flat), [None, pa.py_buffer(flat)])
