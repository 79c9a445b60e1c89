"""The search, person and organisation screens: one function each, rendered unchanged by the CLI, the API and
the web.

A view gathers everything its screen shows from the research store, as frozen records; the interfaces only
choose what to ask for and how to draw it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from labscout.errors import BadQueryError, InvalidError
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
    """One search box for topics and names: the people called `query` first, then experts on it, a window at a
    time. The CLI (`find`), the API (`GET /search`) and the web's search page all show this, unchanged.

    `people` holds everyone whose name is the query, on the first window only (a name is never a topic: "Yejin
    Choi" finds her, not papers that say "choi"); `experts` the experts for it as a topic, ranks `offset` + 1 to
    `offset` + `limit`, each with its score parts and the papers behind them; `has_more` whether a next window
    holds more (it starts at `offset` + `limit`); `topic_error` why the text is no topic (only common words),
    given only when somebody is called that, so the answer is the people.
    """

    query: str
    people: tuple[queries.PersonMatch, ...]
    experts: tuple[search.ExpertHit, ...]
    offset: int
    limit: int
    has_more: bool
    topic_error: str | None = None

    @property
    def page(self) -> int:
        """The page this window is, counted from 1, for interfaces that page by number."""
        return self.offset // self.limit + 1


MAX_RESULTS = 1000  # what find_experts ranks at most: the last window reaches it


def search_view(store: ResearchStore, ti: TalentIndex, query: str, *, filters: search.SearchFilters | None = None,
                offset: int = 0, limit: int = 25) -> SearchView:
    """The search use case: people called `query` and the experts for it, ranks `offset` + 1 to `offset` +
    `limit` (at most MAX_RESULTS in all)."""
    text = query.strip()
    if not text:
        raise InvalidError("query: type a topic or a person's name", field="query")
    if not 0 <= offset < MAX_RESULTS:
        raise InvalidError(f"offset: results are ranked 1 to {MAX_RESULTS}; an offset of {offset} is outside them",
                           field="offset")
    if not 1 <= limit <= MAX_RESULTS:
        raise InvalidError(f"limit: between 1 and {MAX_RESULTS} results at a time, not {limit}", field="limit")
    people = tuple(queries.people_called(store, text)) if offset == 0 else ()
    try:
        ranked = search.find_experts(store, ti, text, top=min(MAX_RESULTS, offset + limit + 1), filters=filters)
    except InvalidError as exc:
        # A filter the user set is wrong: that is their error to see. A name of common words is no topic.
        if exc.field != "query" or not people:
            raise
        return SearchView(text, people, (), offset, limit, False, exc.detail)
    except ValueError as exc:  # the index's query parser, should a query ever reach one ("graph --")
        raise BadQueryError(f"query: cannot read {text!r} ({exc}); use plain words, e.g. \"graph neural "
                            "networks\"", field="query") from None
    shown = tuple(ranked[offset:offset + limit])
    return SearchView(text, people, shown, offset, limit, len(ranked) > offset + limit)
