"""Expert scores for the topics the team needs, read from expert search's public entry point.

Scores are search's own (relevance + impact + momentum, each scaled to the best person on that topic), so a
topic's score and a person's rank mean what they mean on the search page.
"""

from __future__ import annotations

from dataclasses import dataclass

from labscout.errors import InvalidError
from labscout.research.store import ResearchStore
from labscout.talent import search
from labscout.talent.index import TalentIndex

# Scores are read this deep (search's own limit): a candidate ranked below gets no credit for the topic.
SCORE_DEPTH = 1000


@dataclass(frozen=True, slots=True)
class Ranked:
    rank: int
    score: float
    name: str
    org_id: str | None
    org: str | None


@dataclass(frozen=True, slots=True)
class TopicExperts:
    topic: str
    hits: list[search.ExpertHit]
    by_person: dict[str, Ranked]
    error: str | None = None  # why the topic found no one (e.g. only common words)


def rank_topics(store: ResearchStore, ti: TalentIndex, topics: list[str], *, depth: int = SCORE_DEPTH,
                ) -> dict[str, TopicExperts]:
    """Per topic, the people search ranks for it (best first, `depth` deep) and each person's rank and score."""
    found = {}
    for topic in dict.fromkeys(topics):
        try:
            hits = search.find_experts(store, ti, topic, top=depth)
            error = None if hits else "no papers match this topic"
        except InvalidError as exc:
            hits, error = [], str(exc)
        by_person = {h.person_id: Ranked(h.rank, max(0.0, h.score), h.name, h.org_id, h.org) for h in hits}
        found[topic] = TopicExperts(topic, hits, by_person, error)
    return found
