"""Exchange rates into the plan's currency, and who confirmed a large offer (four eyes).

Revision ID: 1810_currency_rates_four_eyes
Revises: 1800_sessions_append_only_audit
Create Date: 2026-12-01 07:30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "1810_currency_rates_four_eyes"
down_revision = "1800_sessions_append_only_audit"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "exchange_rates",
        sa.Column("currency", sa.String(3), primary_key=True),
        sa.Column("rate", sa.Numeric(20, 10), nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("updated_by", sa.String(200), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    with op.batch_alter_table("offers") as batch:
        batch.add_column(sa.Column("confirmed_by", sa.Integer,
                                   sa.ForeignKey("users.id", name="fk_offers_confirmed_by")))


def downgrade() -> None:
    with op.batch_alter_table("offers") as batch:
        batch.drop_column("confirmed_by")
    op.drop_table("exchange_rates")
