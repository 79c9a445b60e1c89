"""The search, person and organisation screens: one function each, rendered unchanged by the CLI, the API and
the web.

A view gathers everything its screen shows from the research store, as frozen records; the interfaces only
choose what to ask for and how to draw it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from labscout.errors import InvalidError
from labscout.research import provenance, queries, why
from labscout.research.careers import Flow, Move
from labscout.research.queries import OrgProfile, PersonProfile
from labscout.research.store import ResearchStore
from labscout.research.topics import PersonMetrics
from labscout.research.why import PersonWhy
from labscout.talent import moves, network, profiles, search
from labscout.talent.index import TalentIndex
from labscout.talent.network import IntroPath

# Field names below (moves, why) shadow the modules inside the classes: their types are imported by name.


@dataclass(frozen=True, slots=True, kw_only=True)
class PersonView(PersonProfile):
    """One person: who, where, papers, co-authors and the evidence (the profile); topics, metrics and moves;
    optionally why the papers are held as one person and warm introduction paths."""

    topics: list[tuple[str, float]]
    moves: list[Move]
    metrics: PersonMetrics
    why: PersonWhy | None = None
    intro_paths: list[IntroPath] = field(default_factory=list)
    # Pairs of the closest co-authors who also wrote together: the lines of the network picture.
    ties: list[tuple[str, str]] = field(default_factory=list)
    # Which sources say each fact of the timeline (paperlists, openalex), and each paper's sources.
    fact_sources: list[provenance.FactSources] = field(default_factory=list)
    paper_sources: dict[str, list[str]] = field(default_factory=dict)

    def sources_of(self, year: int, org_id: str | None) -> list[str]:
        """The sources that say the timeline's fact for `year` at `org_id`."""
        return next((f.sources for f in self.fact_sources if f.year == year and f.org_id == org_id), [])


def _fields(record: object) -> dict[str, object]:
    return {f.name: getattr(record, f.name) for f in fields(record)}  # type: ignore[arg-type]


def person_view(store: ResearchStore, ref: str, *, explain: bool = False, via_org: str | None = None,
                ties: bool = False) -> PersonView:
    """The person `ref` names (id, OpenReview id or unambiguous name) with all their screen shows."""
    person_id = queries.resolve_person(store, ref)
    profile = queries.person_profile(store, person_id)
    extras = profiles.person_extras(store, person_id)
    paths = network.find_intro_paths(store, person_id, via_org=via_org) if via_org else []
    close: list[tuple[str, str]] = []
    if ties:
        names = {c.person_id for c in profile.coauthors}
        graph = network.neighbourhood(store, person_id, depth=1)
        close = sorted((a, b) if a < b else (b, a) for a, b in graph.edges if a in names and b in names)
    by_paper: dict[str, list[str]] = {}
    for record in provenance.paper_sources(store, [p.paper_id for p in profile.papers]):
        found = by_paper.setdefault(record.paper_id, [])
        if record.adapter not in found:
            found.append(record.adapter)
    return PersonView(**_fields(profile), topics=extras.topics, moves=extras.moves,  # type: ignore[arg-type]
                      metrics=extras.metrics, why=why.explain_person(store, person_id) if explain else None,
                      intro_paths=paths, ties=close, fact_sources=provenance.career_sources(store, person_id),
                      paper_sources=by_paper)


@dataclass(frozen=True, slots=True, kw_only=True)
class OrgView(OrgProfile):
    """One organisation: its family, the names it goes by, its people and output (the profile); topics,
    inflow, outflow and its biggest flows."""

    topics: list[tuple[str, float]]
    inflow: list[tuple[str, int]]
    outflow: list[tuple[str, int]]
    flows: list[Flow] = field(default_factory=list)


def org_view(store: ResearchStore, ref: str, *, top: int = 25, flows: int = 0) -> OrgView:
    """The organisation `ref` names (id, name, alias or domain); `flows` > 0 adds its biggest flows."""
    org_id = queries.resolve_org(store, ref)
    profile = queries.org_profile(store, org_id, top=top)
    extras = profiles.org_extras(store, org_id)
    found = moves.list_flows(store, org=org_id, min_people=1, limit=flows) if flows > 0 else []
    return OrgView(**_fields(profile), topics=extras.topics, inflow=extras.inflow,  # type: ignore[arg-type]
                   outflow=extras.outflow, flows=found)


@dataclass(frozen=True, slots=True)
class SearchView:
    """One search box for topics and names: the people called `query` first, then experts on it, a page at a time.

    `people` holds everyone whose name is the query (a name is never a topic: "Yejin Choi" finds her, not
    papers that say "choi"); `hits` the experts for it as a topic on this page; `topic_error` why the text
    is no topic (only common words), shown only when nobody is called that either.
    """

    query: str
    people: list[queries.PersonMatch]
    hits: list[search.ExpertHit]
    page: int
    per_page: int
    has_more: bool
    topic_error: str | None = None


MAX_RESULTS = 1000  # what find_experts ranks at most: the last page reaches it


def search_view(store: ResearchStore, ti: TalentIndex, query: str, *, filters: search.SearchFilters | None = None,
                page: int = 1, per_page: int = 25) -> SearchView:
    """People called `query` and experts for it, page `page` (from 1) of `per_page` experts."""
    text = query.strip()
    if not text:
        raise InvalidError("type a topic or a person's name", field="query")
    if page < 1:
        raise InvalidError(f"pages count from 1, not {page}", field="page")
    if not 1 <= per_page <= 200:
        raise InvalidError(f"between 1 and 200 results a page, not {per_page}", field="per_page")
    start = (page - 1) * per_page
    if start >= MAX_RESULTS:
        raise InvalidError(f"results stop at {MAX_RESULTS}: page {page} is past the last", field="page")
    people = queries.people_called(store, text) if page == 1 else []
    try:
        ranked = search.find_experts(store, ti, text, top=min(MAX_RESULTS, start + per_page + 1), filters=filters)
    except InvalidError as exc:
        # A filter the user set is wrong: that is their error to see. A name of common words is no topic.
        if exc.field != "query" or not people:
            raise
        return SearchView(text, people, [], page, per_page, False, str(exc))
    shown = ranked[start:start + per_page]
    return SearchView(text, people, shown, page, per_page, len(ranked) > start + per_page)
