"""Expert search: people ranked for a free-text topic, each score broken into parts with the papers behind it.

Papers are found by BM25 (tantivy) over titles, keywords and primary areas. Each matching paper credits its
authors by how well it matches, their place on it (first and last authors carry a paper) and how recent it
is: that is relevance. Impact is the strength of the same on-topic papers as accepted work (top venue, oral
or spotlight, review ratings, normalised by venue and year), momentum the recent on-topic output against the
years before. All weights are in `RankWeights`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import islice
from typing import cast

import tantivy

from labscout.errors import InvalidError
from labscout.research import queries
from labscout.research.store import ResearchStore
from labscout.talent.index import TalentIndex

STOP_WORDS = frozenset(
    "a an and are as at be by for from has have how in into is it its of on or over that the their this to "
    "towards under using via what when where which who why with without".split())
_TOKEN = re.compile(r"[\w-]+", re.UNICODE)
_SENIOR = re.compile(r"professor|principal|director|head|lead|senior|chief|staff|manager|fellow", re.I)
_JUNIOR = re.compile(r"student|phd|master|undergrad|intern|postdoc|\bms\b", re.I)


@dataclass(frozen=True)
class RankWeights:
    """Every knob of the ranking, in one place."""

    # Tuned on the ranking evaluation with cutoff 2020 (`labscout eval ranking --cutoff 2020`); the figures
    # quoted are for cutoff 2021, a period the tuning did not see.
    relevance: float = 1.0
    impact: float = 0.3
    momentum: float = 0.3
    # Credit by place on the paper: first author did the work, last author led it.
    first_author: float = 1.0
    last_author: float = 0.8
    middle_author: float = 0.7
    # A paper's weight halves every this many years before the newest year considered.
    half_life_years: float = 3.0
    # Rejected or withdrawn work shows activity on the topic, not accomplishment.
    not_accepted: float = 0.3
    # Papers fetched per query; people are ranked from these.
    papers_considered: int = 1500
    # BM25 of a paper matching every word of a multi-word query is multiplied by this.
    all_terms_boost: float = 2.0
    # Momentum compares the last `recent_years` with the `earlier_years` before them.
    recent_years: int = 2
    earlier_years: int = 3


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
class _Acc:
    relevance: float = 0.0
    impact: float = 0.0
    recent: float = 0.0
    earlier: float = 0.0
    papers: list[tuple[float, int, int]] = field(default_factory=list)  # (contribution, paper index, order)


def query_terms(text: str) -> list[str]:
    """The words of a query that can match anything: raises when nothing is left."""
    if not text.strip():
        raise InvalidError("give a topic to search for, e.g. \"diffusion models\"", field="query")
    terms = [t for t in (m.lower() for m in _TOKEN.findall(text)) if t not in STOP_WORDS and len(t) > 1]
    if not terms:
        raise InvalidError(f"{text!r} holds only common words; name a topic, e.g. \"graph neural networks\"",
                           field="query")
    return terms


def matching_papers(ti: TalentIndex, query: str, *, until: int | None = None, since: int | None = None,
                    weights: RankWeights = RankWeights()) -> dict[int, float]:
    """Paper index -> how well it matches `query` (BM25 relative to the best match, 0..1)."""
    terms = query_terms(query)
    fields, boosts = ["title", "keywords", "area"], {"title": 1.0, "keywords": 1.2, "area": 0.4}
    years = None
    if until is not None or since is not None:
        years = tantivy.Query.range_query(ti.index.schema, "year", tantivy.FieldType.Integer,
                                          since if since is not None else 0, until if until is not None else 9999)

    def search(conjunction: bool) -> list[tuple[float, int]]:
        text = ti.index.parse_query(" ".join(terms), fields, field_boosts=boosts,
                                    conjunction_by_default=conjunction)
        query = text if years is None else tantivy.Query.boolean_query(
            [(tantivy.Occur.Must, text), (tantivy.Occur.Must, years)])
        hits = ti.searcher.search(query, weights.papers_considered).hits
        values = ti.searcher.fast_field_values("idx", [address for _, address in hits]) if hits else []
        return [(float(score), int(cast(int, i))) for (score, _), i in zip(hits, values, strict=True)]

    # A paper about every word of the query ("reasoning" AND "reinforcement learning") is worth more than one
    # about the commonest word alone.
    scored = {i: score for score, i in search(False)}
    if len(terms) > 1 and weights.all_terms_boost != 1.0:
        for score, i in search(True):
            scored[i] = score * weights.all_terms_boost
    top = max(scored.values(), default=0.0) or 1.0
    return {i: score / top for i, score in scored.items()}


def score_people(ti: TalentIndex, query: str, *, until: int | None = None, since: int | None = None,
                 weights: RankWeights = RankWeights()) -> dict[int, _Acc]:
    """Per person index, the accumulated relevance, impact and momentum evidence for `query`."""
    scored = matching_papers(ti, query, until=until, since=since, weights=weights)
    if not scored:
        return {}
    now = until if until is not None else ti.latest_year
    papers = ti.papers
    years, accepted, quality, n_authors = papers.years, papers.accepted, papers.quality, papers.n_authors
    start, person_of, order_of = papers.author_start, papers.author_person, papers.author_order
    first, last, middle = weights.first_author, weights.last_author, weights.middle_author
    recent_from = now - weights.recent_years
    earlier_from = recent_from - weights.earlier_years
    people: dict[int, _Acc] = {}
    for i, match in scored.items():
        year = years[i]
        recency = 0.5 ** ((now - year) / weights.half_life_years)
        base = match * recency * (1.0 if accepted[i] else weights.not_accepted)
        strength = match * quality[i]
        lo, hi = start[i], start[i + 1]
        n = n_authors[i] or hi - lo
        for k in range(lo, hi):
            order = order_of[k]
            place = first if order == 0 or n == 1 else last if order == n - 1 else middle
            acc = people.get(person_of[k])
            if acc is None:
                acc = people[person_of[k]] = _Acc()
            contribution = base * place
            acc.relevance += contribution
            acc.impact += strength * place
            if year > recent_from:
                acc.recent += match * place
            elif year > earlier_from:
                acc.earlier += match * place
            acc.papers.append((contribution + strength, i, order))
    return people


def find_experts(store: ResearchStore, ti: TalentIndex, query: str, *, top: int = 50,
                 filters: SearchFilters | None = None, weights: RankWeights = RankWeights()) -> list[ExpertHit]:
    """The `top` people for `query`, best first, each with score parts, evidence and latest organisation."""
    filters = filters or SearchFilters()
    _check(filters, top, ti)
    keep = _filter(store, ti, filters)
    people = score_people(ti, query, since=filters.since, weights=weights)
    if not people:
        return []
    ranked = rank(people, weights)
    chosen = list(islice((item for item in ranked if keep(item[2])), top))
    return _hits(ti, chosen, people)


def rank(people: dict[int, _Acc], weights: RankWeights) -> list[tuple[float, dict[str, float], int]]:
    """People by combined score: each part scaled to the best on this query, then weighted."""
    best_rel = max(a.relevance for a in people.values()) or 1.0
    best_imp = max(math.log1p(a.impact) for a in people.values()) or 1.0
    w_rel, w_imp, w_mom = weights.relevance / best_rel, weights.impact / best_imp, weights.momentum
    per_year = weights.recent_years / weights.earlier_years
    log1p, log = math.log1p, math.log
    out = []
    for person, a in people.items():
        momentum = max(-1.0, min(1.0, log((a.recent + 0.5) / (a.earlier * per_year + 0.5)) / 2))
        rel, imp, mom = w_rel * a.relevance, w_imp * log1p(a.impact), w_mom * momentum
        out.append((rel + imp + mom, {"relevance": rel, "impact": imp, "momentum": mom}, person))
    out.sort(key=lambda item: (-item[0], item[2]))
    return out


def _check(filters: SearchFilters, top: int, ti: TalentIndex) -> None:
    if not 1 <= top <= 1000:
        raise InvalidError(f"the number of results must be between 1 and 1000, not {top}", field="top")
    if filters.since is not None and not 1950 <= filters.since <= ti.latest_year:
        raise InvalidError(f"since {filters.since}: the store holds papers from 1950 up to {ti.latest_year}",
                           field="since")
    if filters.seniority not in (None, "junior", "senior"):
        raise InvalidError(f"seniority is junior or senior, not {filters.seniority!r}", field="seniority")
    kinds = ("industry", "university", "startup", "government")
    if filters.org_kind is not None and not any(filters.org_kind.startswith(k) for k in kinds):
        raise InvalidError(f"the kind of organisation is one of industry, university, startup, government; not "
                           f"{filters.org_kind!r}", field="org_kind")
    if filters.country is not None and not (len(filters.country) == 2 and filters.country.isalpha()):
        raise InvalidError(f"the country is a two-letter code such as US, GB or CN, not {filters.country!r}",
                           field="country")


def _filter(store: ResearchStore, ti: TalentIndex, f: SearchFilters) -> Callable[[int], bool]:
    include = ti.family(queries.resolve_org(store, f.org, field="org")) if f.org else None
    exclude = ti.family(queries.resolve_org(store, f.exclude_org, field="exclude_org")) if f.exclude_org else set()
    kind = {"industry": "industry_lab", "university": "university", "startup": "startup",
            "government": "government_nonprofit"}.get((f.org_kind or "").split("_")[0]) if f.org_kind else None
    country = f.country.upper() if f.country else None
    people, orgs = ti.people, ti.orgs

    def keep(person: int) -> bool:
        org_id = people.org_id[person]
        if include is not None and org_id not in include:
            return False
        if org_id in exclude:
            return False
        org = orgs.get(org_id or "")
        if kind and (org is None or org[1] != kind):
            return False
        if country and (org is None or org[2] != country):
            return False
        if f.seniority:
            return seniority(people.position[person], people.first_year[person], ti.latest_year) == f.seniority
        return True

    return keep


def seniority(position: str | None, first_year: int | None, latest_year: int) -> str:
    """junior or senior: from the stated position when there is one, else from the length of the record."""
    if position and _SENIOR.search(position):
        return "senior"
    if position and _JUNIOR.search(position):
        return "junior"
    return "junior" if first_year is None or latest_year - first_year < 6 else "senior"


def _hits(ti: TalentIndex, chosen: list[tuple[float, dict[str, float], int]],
          people: dict[int, _Acc]) -> list[ExpertHit]:
    papers, folks = ti.papers, ti.people
    hits = []
    for n, (score, parts, person) in enumerate(chosen, 1):
        best = sorted(people[person].papers, key=lambda p: -p[0])[:5]
        evidence = [Evidence(papers.paper_ids[i], papers.titles[i], ti.venue_names.get(papers.venues[i],
                                                                                       papers.venues[i]),
                             papers.years[i], papers.decisions[i],
                             papers.presentations[i], order, papers.n_authors[i], round(contribution, 4))
                    for contribution, i, order in best]
        org_id = folks.org_id[person]
        hits.append(ExpertHit(
            rank=n, person_id=folks.person_ids[person], name=folks.names[person], score=round(score, 4),
            parts={k: round(v, 4) for k, v in parts.items()}, papers_on_topic=len(people[person].papers),
            evidence=evidence, org_id=org_id, org=ti.orgs[org_id][0] if org_id in ti.orgs else None,
            org_year=folks.org_year[person], position=folks.position[person],
            first_year=folks.first_year[person], last_year=folks.last_year[person]))
    return hits
