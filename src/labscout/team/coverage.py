"""Topic coverage: for each topic the team needs, how many of its top experts the pipeline already holds.

A topic's experts are the people expert search ranks in its top k (the team's `expert_top`, default 50). In the
pipeline means a live candidate at any stage; they are counted by stage and by owner. Not yet approached means
not a candidate at all, or a candidate still at the first stage; the best of those are listed to act on.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from labscout.errors import InvalidError
from labscout.pipeline import stages
from labscout.pipeline.models import Candidate, User
from labscout.pipeline.roles import Actor, Perm, require
from labscout.research.store import ResearchStore
from labscout.talent.index import TalentIndex
from labscout.team import experts, needs


@dataclass(frozen=True, slots=True)
class Expert:
    rank: int
    person_id: str
    name: str
    org: str | None
    score: float
    candidate_id: int | None
    stage: str | None


@dataclass(frozen=True, slots=True)
class TopicCoverage:
    topic: str
    roles: list[str]
    min_people: int
    top: int
    experts: int  # how many experts search found (k, or fewer for a narrow topic)
    in_pipeline: int
    share: float  # in_pipeline / experts
    hired: int
    by_stage: dict[str, int]
    by_owner: dict[str, int]
    not_approached: list[Expert]
    error: str | None


def topic_coverage(session: Session, actor: Actor, store: ResearchStore, ti: TalentIndex, *,
                   top: int | None = None, best: int = 5) -> list[TopicCoverage]:
    """Per needed topic: the share of its top experts in the pipeline, by stage and owner; the best not approached."""
    require(actor, Perm.VIEW_PIPELINE)
    k = top if top is not None else needs.rules(session).expert_top
    if not 1 <= k <= needs.MAX_EXPERT_TOP:
        raise InvalidError(f"top: from 1 to {needs.MAX_EXPERT_TOP}, not {k}", field="top")
    if not 0 <= best <= 100:
        raise InvalidError(f"best: from 0 to 100, not {best}", field="best")
    topics = needs.needs(session)
    ranked = experts.rank_topics(store, ti, [t.topic for t in topics], depth=k)
    people = {pid for found in ranked.values() for pid in found.by_person}
    owners = {u.id: u.name for u in session.scalars(select(User))}
    rows = list(session.execute(select(Candidate.person_id, Candidate.id, Candidate.stage, Candidate.owner_id)
                                .where(Candidate.person_id.in_(sorted(people) or ["-"]),
                                       Candidate.erased_at.is_(None)).order_by(Candidate.id)))
    candidate_of = {str(r[0]): (int(r[1]), str(r[2]), owners.get(r[3]) if r[3] is not None else None)
                    for r in rows}
    stage_list = stages.list_stages(session)
    first = next((s.name for s in stage_list if s.outcome == "open"), None)
    won = {s.name for s in stage_list if s.outcome == "won"}
    found = []
    for need in topics:
        hits = ranked[need.topic].hits
        by_stage: Counter[str] = Counter()
        by_owner: Counter[str] = Counter()
        fresh: list[Expert] = []
        for h in hits:
            cand = candidate_of.get(h.person_id)
            if cand is not None:
                by_stage[cand[1]] += 1
                by_owner[cand[2] or "nobody"] += 1
            if (cand is None or cand[1] == first) and len(fresh) < best:
                fresh.append(Expert(h.rank, h.person_id, h.name, h.org, h.score, cand[0] if cand else None,
                                    cand[1] if cand else None))
        held = sum(by_stage.values())
        order = {s.name: s.position for s in stage_list}
        found.append(TopicCoverage(
            topic=need.topic, roles=sorted(need.roles), min_people=need.min_people, top=k, experts=len(hits),
            in_pipeline=held, share=round(held / len(hits), 4) if hits else 0.0,
            hired=sum(n for stage, n in by_stage.items() if stage in won),
            by_stage=dict(sorted(by_stage.items(), key=lambda item: order.get(item[0], 0))),
            by_owner=dict(by_owner.most_common()), not_approached=fresh, error=ranked[need.topic].error))
    return found
