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
from typing import Any

import networkx as nx

from labscout.errors import InvalidError, NotFoundError
from labscout.research import queries
from labscout.research.store import ResearchStore
from labscout.talent.moves import family

MAX_AUTHORS = 30
HALF_LIFE_YEARS = 3.0
# Second-degree co-authors kept per first-degree one, strongest first: keeps the subgraph small.
FAN_OUT = 40


@dataclass(frozen=True, slots=True)
class JointPaper:
    paper_id: str
    title: str
    year: int


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


def _neighbours(store: ResearchStore, people: Sequence[str]) -> list[dict[str, Any]]:
    latest = store.one("SELECT max(year) AS y FROM papers")
    now = int(latest["y"]) if latest and latest["y"] else 0
    return store.rows(f"""
        SELECT a.person_id AS src, b.person_id AS dst,
               sum(pow(0.5, (? - p.year) / {HALF_LIFE_YEARS})) AS strength, count(*) AS joint
        FROM authorships a JOIN authorships b ON b.paper_id = a.paper_id AND b.person_id <> a.person_id
        JOIN papers p ON p.paper_id = a.paper_id
        WHERE a.person_id IN (SELECT unnest(?)) AND p.n_authors <= {MAX_AUTHORS}
        GROUP BY ALL""", [now, list(people)])


def neighbourhood(store: ResearchStore, person_id: str, *, depth: int = 2) -> nx.Graph:
    """The co-author graph around a person, `depth` steps out (at most FAN_OUT per person beyond the first)."""
    if depth not in (1, 2):
        raise InvalidError("depth is 1 or 2")
    if store.one("SELECT 1 AS x FROM people WHERE person_id = ?", [person_id]) is None:
        raise NotFoundError(f"no person with id {person_id}")
    graph = nx.Graph()
    graph.add_node(person_id)
    frontier = [person_id]
    for step in range(depth):
        rows = _neighbours(store, frontier)
        by_source: dict[str, list[dict[str, Any]]] = {}
        for row in rows:
            by_source.setdefault(row["src"], []).append(row)
        nxt = []
        for src, found in by_source.items():
            found.sort(key=lambda r: (-r["strength"], r["dst"]))
            for row in found if step == 0 else found[:FAN_OUT]:
                if not graph.has_node(row["dst"]):
                    nxt.append(row["dst"])
                graph.add_edge(src, row["dst"], strength=float(row["strength"]), joint=int(row["joint"]),
                               cost=1.0 / float(row["strength"]))
        frontier = nxt
    return graph


def find_intro_paths(store: ResearchStore, target: str, *, from_people: Sequence[str] | None = None,
                     via_org: str | None = None, paths: int = 5) -> list[IntroPath]:
    """The warmest few paths (at most three steps) from our people to `target`, with the joint papers."""
    if not from_people and not via_org:
        raise InvalidError("say who 'our people' are: --via-org ORG or --via FILE of person ids or names")
    target_id = queries.resolve_person(store, target)
    ours = _ours(store, from_people, via_org) - {target_id}
    if not ours:
        raise NotFoundError("none of our people is in the research store")
    graph = neighbourhood(store, target_id, depth=2)
    # A path of three steps meets our person among the co-authors of the target's co-authors' co-authors:
    # add our people's own edges into this neighbourhood.
    present = ours & set(graph.nodes)
    if not present:
        close = [n for n in graph.nodes if n != target_id]
        for row in _neighbours(store, sorted(ours)) if len(ours) <= 2000 else []:
            if row["dst"] in close:
                graph.add_edge(row["src"], row["dst"], strength=float(row["strength"]), joint=int(row["joint"]),
                               cost=1.0 / float(row["strength"]))
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
        members = family(store, via_org)
        ours |= {r["person_id"] for r in store.rows(
            "SELECT person_id FROM people WHERE latest_org_id IN (SELECT unnest(?))", [sorted(members)])}
    for ref in people or ():
        if ref.strip():
            ours.add(queries.resolve_person(store, ref.strip()))
    return ours


def _describe(store: ResearchStore, graph: nx.Graph, found: list[list[str]]) -> list[IntroPath]:
    everyone = sorted({p for path in found for p in path})
    names = {r["person_id"]: r["name"] for r in store.rows(
        "SELECT person_id, name FROM people WHERE person_id IN (SELECT unnest(?))", [everyone])}
    steps = sorted({(a, b) for path in found for a, b in pairwise(path)})
    joint: dict[tuple[str, str], list[JointPaper]] = {}
    # One query for every step of every path: the joint papers of each pair, newest first.
    for r in store.rows("""
            WITH pairs AS (SELECT unnest(?) AS a, unnest(?) AS b)
            SELECT pairs.a, pairs.b, p.paper_id, p.title, p.year
            FROM pairs JOIN authorships x ON x.person_id = pairs.a
            JOIN authorships y ON y.person_id = pairs.b AND y.paper_id = x.paper_id
            JOIN papers p ON p.paper_id = x.paper_id
            ORDER BY pairs.a, pairs.b, p.year DESC, p.title""", [[a for a, _ in steps], [b for _, b in steps]]):
        found_papers = joint.setdefault((r["a"], r["b"]), [])
        if len(found_papers) < 5:
            found_papers.append(JointPaper(r["paper_id"], r["title"], r["year"]))
    out = []
    for path in found:
        edges = [Edge(a, names.get(a, a), b, names.get(b, b), round(graph[a][b]["strength"], 3),
                      joint.get((a, b), [])) for a, b in pairwise(path)]
        out.append(IntroPath(path, [names.get(p, p) for p in path], min(e.strength for e in edges), edges))
    out.sort(key=lambda p: (len(p.people), -p.strength))
    return out
