"""Identity corrections remember a store patch that has not finished (`patch_pending`), for recovery.

Revision ID: 0910_correction_patch_pending
Revises: 0900_identity_corrections
Create Date: 2026-12-01 07:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0910_correction_patch_pending"
down_revision = "0900_identity_corrections"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("identity_corrections") as table:
        table.add_column(sa.Column("patch_pending", sa.Boolean, nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("identity_corrections") as table:
        table.drop_column("patch_pending")
