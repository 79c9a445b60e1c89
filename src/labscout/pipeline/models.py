"""ORM classes of the pipeline store: people of the team, candidates, their stages, and the audit log.

The schema itself is owned by the Alembic migrations in `migrations/versions`; these classes mirror it.
Money is held in whole units of `currency` (integers), never floats.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import JSON, BigInteger, Boolean, Date, DateTime, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> datetime:
    """Now in UTC, naive (both SQLite and PostgreSQL columns hold UTC without a zone)."""
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[str]: JSON, int: Integer, date: Date,
                                                     datetime: DateTime}


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(200))
    # The user's own person in the research store, so outreach can name the co-authors they share.
    person_id: Mapped[str | None] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Stage(Base):
    """One step of the pipeline; `outcome` is open, won (hired) or lost (declined, withdrawn)."""

    __tablename__ = "stages"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    position: Mapped[int]
    outcome: Mapped[str] = mapped_column(String(10), default="open")


class Candidate(Base):
    __tablename__ = "candidates"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The research-store person, or None for people entered by hand (engineers and founders publish little).
    person_id: Mapped[str | None] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    affiliation: Mapped[str | None] = mapped_column(String(300))
    target_role: Mapped[str] = mapped_column(String(80))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    priority: Mapped[int] = mapped_column(default=3)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    source: Mapped[str] = mapped_column(String(20), default="manual")
    source_detail: Mapped[str | None] = mapped_column(Text)
    stage: Mapped[str] = mapped_column(ForeignKey("stages.name", onupdate="CASCADE"), index=True)
    stage_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    decline_reason: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    erased_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012  (SQLAlchemy reads it from the class)


class StageTransition(Base):
    """When a candidate moved from one stage to another, who moved them and why."""

    __tablename__ = "stage_transitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"), index=True)
    from_stage: Mapped[str | None] = mapped_column(String(40))
    to_stage: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str | None] = mapped_column(Text)


class AuditEntry(Base):
    """One change: who, when, what, and the record before and after (None for a creation or a deletion)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(Integer)
    actor_name: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(64))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Set by an erasure, the one change the database allows (triggers refuse every other update and any delete).
    redacted_at: Mapped[datetime | None]

    __table_args__ = (Index("ix_audit_log_entity", "entity", "entity_id"),)


class WebSession(Base):
    """A signed-in browser or API client; the cookie holds a random token, the database only its HMAC."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    ended_why: Mapped[str | None] = mapped_column(String(80))
    client: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(200))


class SignInFailure(Base):
    """One failed sign-in counted against one key (account and client, account, client), by the key's HMAC."""

    __tablename__ = "sign_in_failures"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    failed_at: Mapped[datetime] = mapped_column(index=True)

    __table_args__ = (Index("ix_sign_in_failures_key", "key_hash", "failed_at"),)


class Setting(Base):
    """Team-wide settings kept in the database (approval threshold, total budget)."""

    __tablename__ = "pipeline_settings"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[dict[str, Any]] = mapped_column(JSON)


class Activity(Base):
    """One entry of a candidate's timeline: an e-mail, call, meeting, note, comment, or a recorded change."""

    __tablename__ = "activities"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    subject: Mapped[str | None] = mapped_column(String(300))
    body: Mapped[str | None] = mapped_column(Text)
    place: Mapped[str | None] = mapped_column(String(300))
    attendees: Mapped[list[str]] = mapped_column(JSON, default=list)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class Mention(Base):
    """A user named with @ in a discussion comment, until they have seen it."""

    __tablename__ = "mentions"

    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    seen_at: Mapped[datetime | None]


class Template(Base):
    __tablename__ = "outreach_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class Offer(Base):
    __tablename__ = "offers"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(20), default="draft")
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    base: Mapped[int] = mapped_column(BigInteger)
    bonus: Mapped[int] = mapped_column(BigInteger, default=0)
    signing: Mapped[int] = mapped_column(BigInteger, default=0)
    equity_value: Mapped[int] = mapped_column(BigInteger, default=0)
    vesting_years: Mapped[int] = mapped_column(default=4)
    vesting_cliff_months: Mapped[int] = mapped_column(default=12)
    gpus: Mapped[int] = mapped_column(default=0)
    start_date: Mapped[date]
    expires_on: Mapped[date]
    total_4y: Mapped[int] = mapped_column(BigInteger)
    notes: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Above the threshold, when the team lets the CEO confirm: the CEO's explicit confirmation (four eyes).
    confirmed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", name="fk_offers_confirmed_by"))
    decline_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class ExchangeRate(Base):
    """How many units of the plan's currency one unit of `currency` is worth, as the executive set it."""

    __tablename__ = "exchange_rates"

    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    rate: Mapped[Decimal] = mapped_column(Numeric(20, 10))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class PlanRole(Base):
    """One line of the hiring plan: how many people for a role and the 4-year budget set aside for them."""

    __tablename__ = "plan_roles"

    role: Mapped[str] = mapped_column(String(80), primary_key=True)
    slots: Mapped[int]
    budget: Mapped[int] = mapped_column(BigInteger, default=0)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class Deal(Base):
    __tablename__ = "deals"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    company: Mapped[str] = mapped_column(String(200))
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    stake_percent: Mapped[Decimal | None] = mapped_column(Numeric(7, 3))
    status: Mapped[str] = mapped_column(String(20), default="exploring")
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class DealPerson(Base):
    """A key person a deal brings, tracked as a candidate of the pipeline."""

    __tablename__ = "deal_people"

    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id", ondelete="CASCADE"), primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"), primary_key=True)
    note: Mapped[str | None] = mapped_column(String(300))
