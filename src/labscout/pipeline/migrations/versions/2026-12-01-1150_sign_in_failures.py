"""Failed sign-ins in the database, so that every worker of one deployment counts the same failures.

Revision ID: 1820_sign_in_failures
Revises: 1900_team_builder
Create Date: 2026-12-01 11:50
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "1820_sign_in_failures"
down_revision = "1900_team_builder"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sign_in_failures",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("failed_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_sign_in_failures_failed_at", "sign_in_failures", ["failed_at"])
    op.create_index("ix_sign_in_failures_key", "sign_in_failures", ["key_hash", "failed_at"])


def downgrade() -> None:
    op.drop_index("ix_sign_in_failures_key", "sign_in_failures")
    op.drop_index("ix_sign_in_failures_failed_at", "sign_in_failures")
    op.drop_table("sign_in_failures")
