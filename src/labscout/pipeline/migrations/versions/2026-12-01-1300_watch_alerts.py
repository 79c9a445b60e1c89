"""Watching the research record: saved searches, watched people, marked organisations, alerts, digests.

Revision ID: 2000_watch_alerts
Revises: 1820_sign_in_failures
Create Date: 2026-12-01 13:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "2000_watch_alerts"
down_revision = "1820_sign_in_failures"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "saved_searches",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("query", sa.String(300), nullable=False),
        sa.Column("filters", sa.JSON, nullable=False),
        sa.Column("top", sa.JSON, nullable=False),
        sa.Column("top_names", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("checked_at", sa.DateTime),
        sa.UniqueConstraint("user_id", "name", name="uq_saved_searches_user_name"),
    )
    op.create_index("ix_saved_searches_user_id", "saved_searches", ["user_id"])
    op.create_table(
        "watched_people",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("person_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("mention_keys", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("user_id", "person_id", name="uq_watched_people_user_person"),
    )
    op.create_index("ix_watched_people_user_id", "watched_people", ["user_id"])
    op.create_index("ix_watched_people_person_id", "watched_people", ["person_id"])
    op.create_table(
        "marked_organisations",
        sa.Column("org_id", sa.String(120), primary_key=True),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("relation", sa.String(10), nullable=False),
        sa.Column("marked_by", sa.Integer, sa.ForeignKey("users.id")),
        sa.Column("marked_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "watch_states",
        sa.Column("subject", sa.String(160), primary_key=True),
        sa.Column("facts", sa.JSON, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("title", sa.String(400), nullable=False),
        sa.Column("detail", sa.Text),
        sa.Column("person_id", sa.String(64)),
        sa.Column("candidate_id", sa.Integer, sa.ForeignKey("candidates.id", ondelete="CASCADE")),
        sa.Column("saved_search_id", sa.Integer, sa.ForeignKey("saved_searches.id", ondelete="CASCADE")),
        sa.Column("evidence", sa.JSON, nullable=False),
        sa.Column("fingerprint", sa.String(300), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("seen_at", sa.DateTime),
        sa.Column("emailed_at", sa.DateTime),
        sa.UniqueConstraint("user_id", "fingerprint", name="uq_alerts_user_fingerprint"),
    )
    op.create_index("ix_alerts_user_seen", "alerts", ["user_id", "seen_at"])
    op.create_table(
        "alert_preferences",
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("daily_digest", sa.Boolean, nullable=False),
        sa.Column("last_digest_at", sa.DateTime),
    )
    op.create_table(
        "openalex_refresh",
        sa.Column("subject", sa.String(80), primary_key=True),
        sa.Column("refreshed_at", sa.DateTime, nullable=False),
        sa.Column("since", sa.String(10)),
        sa.Column("works", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    for table in ("openalex_refresh", "alert_preferences", "alerts", "watch_states", "marked_organisations",
                  "watched_people", "saved_searches"):
        op.drop_table(table)
