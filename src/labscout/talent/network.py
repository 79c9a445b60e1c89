"""The co-author network: who can introduce us, by which papers, and the neighbourhood around a person.

Edges join people who wrote together, weighted by their joint papers with recent ones counting more (a paper
halves its weight every three years). Papers with very long author lists are left out: thirty names on a
benchmark paper do not make thirty acquaintances. The graph is built around the target only (their
co-authors, and theirs), so a path is found in well under a second without loading the whole network.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import islice, pairwise

import networkx as nx

from labscout.errors import InvalidError, NotFoundError
from labscout.research import careers, coauthors, queries
from labscout.research.coauthors import CoauthorEdge, JointPaper
from labscout.research.store import ResearchStore
from labscout.talent.moves import family

MAX_AUTHORS = 30
HALF_LIFE_YEARS = 3.0
# Second-degree co-authors kept per first-degree one, strongest first: keeps the subgraph small.
FAN_OUT = 40


@dataclass(frozen=True, slots=True)
class Edge:
    source: str
    source_name: str
    target: str
    target_name: str
    strength: float
    papers: list[JointPaper]


@dataclass(frozen=True, slots=True)
class IntroPath:
    """From one of our people to the target, each step a pair who wrote together."""

    people: list[str]
    names: list[str]
    strength: float  # the weakest link's strength: a chain is as warm as its coldest step
    edges: list[Edge]


def _neighbours(store: ResearchStore, people: Sequence[str]) -> list[CoauthorEdge]:
    return coauthors.coauthor_edges(store, people, now=coauthors.latest_paper_year(store),
                                    half_life_years=HALF_LIFE_YEARS, max_authors=MAX_AUTHORS)


def neighbourhood(store: ResearchStore, person_id: str, *, depth: int = 2) -> nx.Graph:
    """The co-author graph around a person, `depth` steps out (at most FAN_OUT per person beyond the first)."""
    if depth not in (1, 2):
        raise InvalidError(f"the depth is 1 or 2, not {depth}", field="depth")
    if not queries.person_exists(store, person_id):
        raise NotFoundError(f"no person with id {person_id}", field="person")
    graph = nx.Graph()
    graph.add_node(person_id)
    frontier = [person_id]
    for step in range(depth):
        rows = _neighbours(store, frontier)
        by_source: dict[str, list[CoauthorEdge]] = {}
        for row in rows:
            by_source.setdefault(row.src, []).append(row)
        nxt = []
        for src, found in by_source.items():
            found.sort(key=lambda r: (-r.strength, r.dst))
            for row in found if step == 0 else found[:FAN_OUT]:
                if not graph.has_node(row.dst):
                    nxt.append(row.dst)
                graph.add_edge(src, row.dst, strength=float(row.strength), joint=int(row.joint),
                               cost=1.0 / float(row.strength))
        frontier = nxt
    return graph


def find_intro_paths(store: ResearchStore, target: str, *, from_people: Sequence[str] | None = None,
                     via_org: str | None = None, paths: int = 5) -> list[IntroPath]:
    """The warmest few paths (at most three steps) from our people to `target`, with the joint papers."""
    if not from_people and not via_org:
        raise InvalidError("say who 'our people' are: an organisation of ours, or a list of person ids or names",
                           field="via_org")
    target_id = queries.resolve_person(store, target, field="to")
    ours = _ours(store, from_people, via_org) - {target_id}
    if not ours:
        raise NotFoundError("none of our people is in the research store", field="via")
    graph = neighbourhood(store, target_id, depth=2)
    # A path of three steps meets our person among the co-authors of the target's co-authors' co-authors:
    # add our people's own edges into this neighbourhood.
    present = ours & set(graph.nodes)
    if not present:
        close = [n for n in graph.nodes if n != target_id]
        for row in _neighbours(store, sorted(ours)) if len(ours) <= 2000 else []:
            if row.dst in close:
                graph.add_edge(row.src, row.dst, strength=float(row.strength), joint=int(row.joint),
                               cost=1.0 / float(row.strength))
        present = ours & set(graph.nodes)
    if not present:
        return []
    graph.add_node("__ours__")
    for person in present:
        graph.add_edge("__ours__", person, cost=0.0, strength=float("inf"))
    found: list[list[str]] = []
    for path in islice(nx.shortest_simple_paths(graph, "__ours__", target_id, weight="cost"), paths * 4):
        people = path[1:]
        if len(people) - 1 > 3 or any(p in ours for p in people[1:]):
            continue  # longer than three steps, or through another of our own people (they are the start)
        found.append(people)
        if len(found) == paths:
            break
    return _describe(store, graph, found)


def _ours(store: ResearchStore, people: Sequence[str] | None, via_org: str | None) -> set[str]:
    ours: set[str] = set()
    if via_org:
        ours |= careers.people_at(store, family(store, via_org, field="via_org"))
    for ref in people or ():
        if ref.strip():
            ours.add(queries.resolve_person(store, ref.strip(), field="via"))
    return ours


def _describe(store: ResearchStore, graph: nx.Graph, found: list[list[str]]) -> list[IntroPath]:
    names = queries.person_names(store, {p for path in found for p in path})
    joint = coauthors.joint_papers(store, {(a, b) for path in found for a, b in pairwise(path)})
    out = []
    for path in found:
        edges = [Edge(a, names.get(a, a), b, names.get(b, b), round(graph[a][b]["strength"], 3),
                      joint.get((a, b), [])) for a, b in pairwise(path)]
        out.append(IntroPath(path, [names.get(p, p) for p in path], min(e.strength for e in edges), edges))
    out.sort(key=lambda p: (len(p.people), -p.strength))
    return out
