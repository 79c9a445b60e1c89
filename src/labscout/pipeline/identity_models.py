"""ORM classes for identity corrections: user data kept with the pipeline, applied to every research build."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from labscout.pipeline.models import Base, utcnow


class IdentityCorrection(Base):
    """A merge, split, organisation alias or organisation setting made by a person, with who, when and why.

    `payload` names author mentions (paper id # author slot) or organisation ids, never derived person ids,
    so the correction means the same after any rebuild of the research store.
    """

    __tablename__ = "identity_corrections"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # person_merge | person_split | org_alias | org_settings
    summary: Mapped[str] = mapped_column(Text)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    reason: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_by_name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[str] = mapped_column(String(10), default="active")  # active | reverted | failed
    reverted_at: Mapped[datetime | None]
    reverted_by_name: Mapped[str | None] = mapped_column(String(200))
    revert_reason: Mapped[str | None] = mapped_column(Text)
    # Set by the last build that found the correction no longer applies in full; None when it does.
    stale_reason: Mapped[str | None] = mapped_column(Text)
    # Committed, but the research store not yet patched (or un-patched, when reverted): `recover` finishes it.
    patch_pending: Mapped[bool] = mapped_column(default=False)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012  (SQLAlchemy reads it from the class)


class CandidatePersonLink(Base):
    """The mentions a candidate's research person held when the candidate was linked.

    Person ids can change when people are merged or split; the mentions do not. After any correction or
    rebuild, the candidate follows the person who now holds most of these mentions.
    """

    __tablename__ = "candidate_person_links"

    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"), primary_key=True)
    person_id: Mapped[str] = mapped_column(String(64))
    mention_keys: Mapped[list[str]] = mapped_column(JSON)
    linked_at: Mapped[datetime] = mapped_column(default=utcnow)
