"""ORM classes for watching the research record: saved searches, watched people, the team's marked
organisations, alerts with their inbox state, digest preferences, what each watch last saw, and refresh state.

Each user's saved searches and watched people are their own; rival and own organisations are the team's.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from labscout.pipeline.models import Base, utcnow


class SavedSearch(Base):
    """An expert search a user keeps: its query and filters, and the top people it gave last time."""

    __tablename__ = "saved_searches"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    query: Mapped[str] = mapped_column(String(300))
    filters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Person ids of the last top results, best first, and their names (for the alert that one left).
    top: Mapped[list[str]] = mapped_column(JSON, default=list)
    top_names: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    checked_at: Mapped[datetime | None]

    __table_args__ = (UniqueConstraint("user_id", "name", name="uq_saved_searches_user_name"),)


class WatchedPerson(Base):
    """A research person a user watches; followed through merges and splits by the mentions they held."""

    __tablename__ = "watched_people"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    mention_keys: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("user_id", "person_id", name="uq_watched_people_user_person"),)


class MarkedOrganisation(Base):
    """An organisation the team marks: `rival` (whose co-authors with our people we hear of) or `ours`."""

    __tablename__ = "marked_organisations"

    org_id: Mapped[str] = mapped_column(String(120), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    relation: Mapped[str] = mapped_column(String(10))  # rival | ours
    marked_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    marked_at: Mapped[datetime] = mapped_column(default=utcnow)


class WatchState(Base):
    """What a watch knew after the last build: the facts it has alerted on, so only new ones alert.

    `subject` is "person:<watched id>", "candidate:<id>", "ours:<org id>" or "search:<id>".
    """

    __tablename__ = "watch_states"

    subject: Mapped[str] = mapped_column(String(160), primary_key=True)
    facts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Alert(Base):
    """Something new about a watched person, a candidate, our people or a saved search, for one user."""

    __tablename__ = "alerts"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(400))
    detail: Mapped[str | None] = mapped_column(Text)
    person_id: Mapped[str | None] = mapped_column(String(64))
    candidate_id: Mapped[int | None] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"))
    saved_search_id: Mapped[int | None] = mapped_column(ForeignKey("saved_searches.id", ondelete="CASCADE"))
    # The records behind it: papers with the sources that hold them.
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # One alert per fact and user, however many builds see the fact again.
    fingerprint: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    seen_at: Mapped[datetime | None]
    emailed_at: Mapped[datetime | None]

    __table_args__ = (UniqueConstraint("user_id", "fingerprint", name="uq_alerts_user_fingerprint"),
                      Index("ix_alerts_user_seen", "user_id", "seen_at"))


class AlertPreference(Base):
    """A user's choice of the daily e-mail digest of their alerts (off unless they opt in)."""

    __tablename__ = "alert_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    daily_digest: Mapped[bool] = mapped_column(Boolean, default=False)
    last_digest_at: Mapped[datetime | None]


class RefreshState(Base):
    """When works were last fetched for one OpenAlex subject (an author id or ORCID), and how many."""

    __tablename__ = "openalex_refresh"

    subject: Mapped[str] = mapped_column(String(80), primary_key=True)
    refreshed_at: Mapped[datetime] = mapped_column(default=utcnow)
    since: Mapped[str | None] = mapped_column(String(10))
    works: Mapped[int] = mapped_column(default=0)
