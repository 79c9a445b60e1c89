"""What discovery adds to a profile: strongest topics, moves and metrics of a person; topics and flows of an org."""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from labscout.research import topics
from labscout.research.careers import Move
from labscout.research.store import ResearchStore
from labscout.research.topics import PersonMetrics, WeightedPaper
from labscout.talent import moves
from labscout.talent.search import STOP_WORDS

# Words in titles that say nothing about a topic.
_GENERIC = STOP_WORDS | frozenset(
    "learning model models neural network networks deep via towards based using efficient new approach method "
    "methods data task tasks large scale robust fast improving improved generalization analysis beyond".split())


@dataclass(frozen=True, slots=True)
class PersonExtras:
    topics: list[tuple[str, float]]
    moves: list[Move]
    metrics: PersonMetrics


@dataclass(frozen=True, slots=True)
class OrgExtras:
    topics: list[tuple[str, float]]
    inflow: list[tuple[str, int]]
    outflow: list[tuple[str, int]]


def _topics(rows: Sequence[WeightedPaper], top: int) -> list[tuple[str, float]]:
    weights: defaultdict[str, float] = defaultdict(float)
    for row in rows:
        terms = {str(k).strip().lower() for k in row.keywords or [] if str(k).strip()}
        if row.primary_area:
            terms.add(str(row.primary_area).strip().lower().replace("_", " "))
        # Without keywords, pairs of content words from the title stand in for them.
        if not terms:
            words = [w for w in str(row.title).lower().replace(":", " ").split() if w.isalpha() and
                     w not in _GENERIC and len(w) > 3]
            terms = {f"{a} {b}" for a, b in itertools.pairwise(words)}
        for term in terms:
            weights[term] += float(row.w)
    return [(t, round(w, 2)) for t, w in sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:top]]


def person_extras(store: ResearchStore, person_id: str, *, top: int = 10) -> PersonExtras:
    """Topics the person is strongest in (accepted and recent work weighs more), moves and metrics."""
    rows = topics.person_papers(store, person_id)
    metrics = topics.person_metrics(store, person_id)
    return PersonExtras(_topics(rows, top), moves.list_moves(store, person_id=person_id), metrics)


def org_extras(store: ResearchStore, org_id: str, *, top: int = 10) -> OrgExtras:
    """An organisation's strongest topics (papers written there) and where people came from and went to."""
    members = moves.family(store, org_id)
    rows = topics.org_recent_papers(store, members)
    inflow = Counter(m.from_org for m in moves.list_moves(store, to_org=org_id, limit=100_000)
                     if m.from_org_id not in members)
    outflow = Counter(m.to_org for m in moves.list_moves(store, from_org=org_id, limit=100_000)
                      if m.to_org_id not in members)
    return OrgExtras(_topics(rows, top), inflow.most_common(top), outflow.most_common(top))
