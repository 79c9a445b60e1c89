"""What discovery adds to a profile: strongest topics, moves and metrics of a person; topics and flows of an org."""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from labscout.research.store import ResearchStore
from labscout.talent import moves
from labscout.talent.search import STOP_WORDS

# Words in titles that say nothing about a topic.
_GENERIC = STOP_WORDS | frozenset(
    "learning model models neural network networks deep via towards based using efficient new approach method "
    "methods data task tasks large scale robust fast improving improved generalization analysis beyond".split())


@dataclass(slots=True)
class PersonExtras:
    topics: list[tuple[str, float]]
    moves: list[moves.Move]
    metrics: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class OrgExtras:
    topics: list[tuple[str, float]]
    inflow: list[tuple[str, int]]
    outflow: list[tuple[str, int]]


def _topics(rows: list[dict[str, Any]], top: int) -> list[tuple[str, float]]:
    weights: defaultdict[str, float] = defaultdict(float)
    for row in rows:
        terms = {str(k).strip().lower() for k in row["keywords"] or [] if str(k).strip()}
        if row["primary_area"]:
            terms.add(str(row["primary_area"]).strip().lower().replace("_", " "))
        # Without keywords, pairs of content words from the title stand in for them.
        if not terms:
            words = [w for w in str(row["title"]).lower().replace(":", " ").split() if w.isalpha() and
                     w not in _GENERIC and len(w) > 3]
            terms = {f"{a} {b}" for a, b in itertools.pairwise(words)}
        for term in terms:
            weights[term] += float(row["w"])
    return [(t, round(w, 2)) for t, w in sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:top]]


def person_extras(store: ResearchStore, person_id: str, *, top: int = 10) -> PersonExtras:
    """Topics the person is strongest in (accepted and recent work weighs more), moves and metrics."""
    rows = store.rows("""
        SELECT p.title, p.keywords, p.primary_area,
               (CASE WHEN p.decision = 'accepted' THEN 1.0 ELSE 0.3 END)
               * (CASE p.presentation WHEN 'oral' THEN 3 WHEN 'spotlight' THEN 2 WHEN 'highlight' THEN 2 ELSE 1 END)
               * pow(0.5, ((SELECT max(year) FROM papers) - p.year) / 4.0) AS w
        FROM authorships a JOIN papers p USING (paper_id) WHERE a.person_id = ?""", [person_id])
    metrics = store.one("""
        SELECT count(*) AS papers, count(*) FILTER (WHERE p.decision = 'accepted') AS accepted,
               count(*) FILTER (WHERE p.presentation = 'oral') AS orals,
               count(*) FILTER (WHERE p.presentation IN ('spotlight', 'highlight')) AS spotlights,
               count(*) FILTER (WHERE a.author_order = 0) AS first_author,
               count(*) FILTER (WHERE a.author_order = p.n_authors - 1 AND p.n_authors > 1) AS last_author,
               round(avg(p.rating_avg), 2) AS mean_rating, count(DISTINCT p.venue) AS venues
        FROM authorships a JOIN papers p USING (paper_id) WHERE a.person_id = ?""", [person_id]) or {}
    return PersonExtras(_topics(rows, top), moves.list_moves(store, person_id=person_id), metrics)


def org_extras(store: ResearchStore, org_id: str, *, top: int = 10) -> OrgExtras:
    """An organisation's strongest topics (papers written there) and where people came from and went to."""
    members = moves.family(store, org_id)
    rows = store.rows("""
        SELECT p.title, p.keywords, p.primary_area,
               (CASE WHEN p.decision = 'accepted' THEN 1.0 ELSE 0.3 END) / p.n_authors AS w
        FROM authorships a JOIN papers p USING (paper_id)
        WHERE a.org_id IN (SELECT unnest(?)) AND p.year >= (SELECT max(year) - 3 FROM papers)""", [sorted(members)])
    inflow = Counter(m.from_org for m in moves.list_moves(store, to_org=org_id, limit=100_000)
                     if m.from_org_id not in members)
    outflow = Counter(m.to_org for m in moves.list_moves(store, from_org=org_id, limit=100_000)
                      if m.to_org_id not in members)
    return OrgExtras(_topics(rows, top), inflow.most_common(top), outflow.most_common(top))
