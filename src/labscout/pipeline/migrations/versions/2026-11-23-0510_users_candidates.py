"""Users, stages, candidates with their stage transitions, the audit log, team settings.

Revision ID: 0001_users_candidates
Revises:
Create Date: 2026-11-23 05:10
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_users_candidates"
down_revision = None
branch_labels = None
depends_on = None

DEFAULT_STAGES = [
    ("identified", 10, "open"), ("contacted", 20, "open"), ("in conversation", 30, "open"),
    ("meeting", 40, "open"), ("offer", 50, "open"), ("accepted", 60, "won"), ("declined", 70, "lost"),
    ("withdrawn", 80, "lost"),
]


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(320), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("person_id", sa.String(64)),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.CheckConstraint("role IN ('executive', 'hr', 'recruiter', 'viewer')", name="ck_users_role"),
    )
    stages = op.create_table(
        "stages",
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("outcome", sa.String(10), nullable=False),
        sa.CheckConstraint("outcome IN ('open', 'won', 'lost')", name="ck_stages_outcome"),
    )
    op.bulk_insert(stages, [{"name": n, "position": p, "outcome": o} for n, p, o in DEFAULT_STAGES])
    op.create_table(
        "candidates",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("person_id", sa.String(64), index=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(320)),
        sa.Column("affiliation", sa.String(300)),
        sa.Column("target_role", sa.String(80), nullable=False),
        sa.Column("owner_id", sa.Integer, sa.ForeignKey("users.id")),
        sa.Column("priority", sa.Integer, nullable=False),
        sa.Column("tags", sa.JSON, nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("source_detail", sa.Text),
        sa.Column("stage", sa.String(40), sa.ForeignKey("stages.name", onupdate="CASCADE"), nullable=False),
        sa.Column("stage_changed_at", sa.DateTime, nullable=False),
        sa.Column("decline_reason", sa.Text),
        sa.Column("notes", sa.Text),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("erased_at", sa.DateTime),
        sa.Column("version", sa.Integer, nullable=False),
        sa.CheckConstraint("priority BETWEEN 1 AND 5", name="ck_candidates_priority"),
    )
    op.create_index("ix_candidates_stage", "candidates", ["stage"])
    op.create_table(
        "stage_transitions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("candidate_id", sa.Integer, sa.ForeignKey("candidates.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("from_stage", sa.String(40)),
        sa.Column("to_stage", sa.String(40), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("actor_id", sa.Integer, sa.ForeignKey("users.id")),
        sa.Column("reason", sa.Text),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
        sa.Column("at", sa.DateTime, nullable=False, index=True),
        sa.Column("actor_id", sa.Integer),
        sa.Column("actor_name", sa.String(200), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("entity", sa.String(40), nullable=False),
        sa.Column("entity_id", sa.String(64), nullable=False),
        sa.Column("before", sa.JSON),
        sa.Column("after", sa.JSON),
    )
    op.create_index("ix_audit_log_entity", "audit_log", ["entity", "entity_id"])
    op.create_table(
        "pipeline_settings",
        sa.Column("key", sa.String(60), primary_key=True),
        sa.Column("value", sa.JSON, nullable=False),
    )


def downgrade() -> None:
    for table in ("pipeline_settings", "audit_log", "stage_transitions", "candidates", "stages", "users"):
        op.drop_table(table)
