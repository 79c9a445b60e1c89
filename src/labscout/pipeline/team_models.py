"""ORM classes of the team builder (labscout.team): what the team enters about cost, chance, needs and seats.

Kept with the pipeline because it is user data backed up, restored and erased with it; the logic lives in
`labscout.team`. Money is held in whole units of `currency` (integers), as everywhere in the pipeline.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Float, ForeignKey, ForeignKeyConstraint, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from labscout.pipeline.models import Base, utcnow


class CandidateEstimate(Base):
    """What the team entered about one candidate: an expected 4-year cost, a chance, a slate rule (in / out)."""

    __tablename__ = "candidate_estimates"

    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"), primary_key=True)
    cost_4y: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str | None] = mapped_column(String(3))
    chance: Mapped[float | None] = mapped_column(Float)
    slate_rule: Mapped[str | None] = mapped_column(String(3))
    note: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012  (SQLAlchemy reads it from the class)


class StageChance(Base):
    """The team's chance that a candidate at this stage ends up accepting (stages without a row use defaults)."""

    __tablename__ = "stage_chances"

    stage: Mapped[str] = mapped_column(ForeignKey("stages.name", onupdate="CASCADE", ondelete="CASCADE"),
                                       primary_key=True)
    chance: Mapped[float] = mapped_column(Float)


class TeamTopic(Base):
    """A topic the team needs, with the least number of its experts the team should hold."""

    __tablename__ = "team_topics"

    id: Mapped[int] = mapped_column(primary_key=True)
    topic: Mapped[str] = mapped_column(String(300), unique=True)
    min_people: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class RoleTopic(Base):
    """A topic a plan role needs, and how much it weighs in that role's value."""

    __tablename__ = "team_role_topics"

    role: Mapped[str] = mapped_column(ForeignKey("plan_roles.role", onupdate="CASCADE", ondelete="CASCADE"),
                                      primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("team_topics.id", ondelete="CASCADE"), primary_key=True)
    weight: Mapped[float] = mapped_column(Float, default=1.0)


class FloorPlan(Base):
    """A floor with its desks; `summary` holds the figures of the last seat assignment made on it."""

    __tablename__ = "floor_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    source: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    assigned_at: Mapped[datetime | None]
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class FloorDesk(Base):
    """One desk: its position in floor units, and who sits there for good (the CEO, say), if anyone."""

    __tablename__ = "floor_desks"

    floor_id: Mapped[int] = mapped_column(ForeignKey("floor_plans.id", ondelete="CASCADE"), primary_key=True)
    desk: Mapped[str] = mapped_column(String(40), primary_key=True)
    x: Mapped[float] = mapped_column(Float)
    y: Mapped[float] = mapped_column(Float)
    occupant: Mapped[str | None] = mapped_column(String(200))


class SeatAssignment(Base):
    """Who was given which desk, and that desk's distance to the nearest leadership desk."""

    __tablename__ = "seat_assignments"

    floor_id: Mapped[int] = mapped_column(primary_key=True)
    desk: Mapped[str] = mapped_column(String(40), primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"))
    distance: Mapped[float] = mapped_column(Float)

    # one desk per person per floor
    __table_args__ = (ForeignKeyConstraint(["floor_id", "desk"], ["floor_desks.floor_id", "floor_desks.desk"],
                                           ondelete="CASCADE"),
                      UniqueConstraint("floor_id", "candidate_id", name="uq_seat_assignments_candidate"))
