"""Identity corrections (merges, splits, organisation aliases and settings) and candidates' person links.

Revision ID: 0900_identity_corrections
Revises: 0003_intro_template
Create Date: 2026-11-23 05:30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0900_identity_corrections"
down_revision = "0003_intro_template"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "identity_corrections",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("created_by", sa.Integer, sa.ForeignKey("users.id")),
        sa.Column("created_by_name", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("reverted_at", sa.DateTime),
        sa.Column("reverted_by_name", sa.String(200)),
        sa.Column("revert_reason", sa.Text),
        sa.Column("stale_reason", sa.Text),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_table(
        "candidate_person_links",
        sa.Column("candidate_id", sa.Integer, sa.ForeignKey("candidates.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("person_id", sa.String(64), nullable=False),
        sa.Column("mention_keys", sa.JSON, nullable=False),
        sa.Column("linked_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("candidate_person_links")
    op.drop_table("identity_corrections")
