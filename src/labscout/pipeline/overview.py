"""Read-only summaries for dashboards and boards, computed in the database: fast with ten thousand candidates.

Listing every candidate as a full record to count them took seconds at 10k; these queries return only what a
page shows (counts and days per stage, the first cards of each column, which people are already candidates).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from labscout.pipeline import stages
from labscout.pipeline.models import Candidate, User, utcnow
from labscout.pipeline.roles import Actor, Perm, require


@dataclass(frozen=True, slots=True)
class StageLine:
    stage: str
    candidates: int
    median_days: float | None  # median days the candidates now at this stage have been there


@dataclass(frozen=True, slots=True)
class Card:
    id: int
    name: str
    target_role: str
    owner_name: str | None
    stage: str
    version: int


def funnel(session: Session, actor: Actor, *, now: datetime | None = None) -> list[StageLine]:
    """Per stage in pipeline order: how many candidates are there and for how long (median days)."""
    require(actor, Perm.VIEW_PIPELINE)
    now = now or utcnow()
    days: dict[str, list[float]] = defaultdict(list)
    rows = session.execute(select(Candidate.stage, Candidate.stage_changed_at)
                           .where(Candidate.erased_at.is_(None)))
    for stage, changed in rows:
        days[stage].append((now - changed).total_seconds() / 86400)
    return [StageLine(s.name, len(days[s.name]), statistics.median(days[s.name]) if days[s.name] else None)
            for s in stages.list_stages(session)]


def board(session: Session, actor: Actor, *, per_stage: int = 60) -> tuple[dict[str, list[Card]], dict[str, int]]:
    """The first `per_stage` cards of each column (highest priority, most recently moved) and each column's size."""
    require(actor, Perm.VIEW_PIPELINE)
    ranked = (select(Candidate.id, Candidate.name, Candidate.target_role, User.name, Candidate.stage,
                     Candidate.version,
                     func.row_number().over(partition_by=Candidate.stage,
                                            order_by=(Candidate.priority, Candidate.stage_changed_at.desc()))
                     .label("n"))
              .outerjoin(User, User.id == Candidate.owner_id).where(Candidate.erased_at.is_(None)).subquery())
    columns: dict[str, list[Card]] = {s.name: [] for s in stages.list_stages(session)}
    for row in session.execute(select(ranked).where(ranked.c.n <= per_stage).order_by(ranked.c.stage, ranked.c.n)):
        columns.setdefault(row[4], []).append(Card(row[0], row[1], row[2], row[3], row[4], row[5]))
    counted = session.execute(select(Candidate.stage, func.count()).where(Candidate.erased_at.is_(None))
                              .group_by(Candidate.stage))
    sizes = {str(stage): int(n) for stage, n in counted}
    return columns, {stage: sizes.get(stage, 0) for stage in columns}


def candidates_for_people(session: Session, actor: Actor, person_ids: Sequence[str]) -> dict[str, Card]:
    """Which of these research people are candidates already, and where."""
    require(actor, Perm.VIEW_PIPELINE)
    if not person_ids:
        return {}
    rows = session.execute(select(Candidate.person_id, Candidate.id, Candidate.name, Candidate.target_role,
                                  Candidate.stage, Candidate.version)
                           .where(Candidate.person_id.in_(list(person_ids)), Candidate.erased_at.is_(None)))
    return {str(r[0]): Card(r[1], r[2], r[3], None, r[4], r[5]) for r in rows}
