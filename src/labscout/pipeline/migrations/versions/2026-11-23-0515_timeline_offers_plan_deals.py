"""Timeline and discussion, outreach templates, offers, hiring plan, deals.

Revision ID: 0002_timeline_offers_plan_deals
Revises: 0001_users_candidates
Create Date: 2026-11-23 05:15
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_timeline_offers_plan_deals"
down_revision = "0001_users_candidates"
branch_labels = None
depends_on = None

MONEY = sa.BigInteger


def upgrade() -> None:
    op.create_table(
        "activities",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("candidate_id", sa.Integer, sa.ForeignKey("candidates.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("occurred_at", sa.DateTime, nullable=False),
        sa.Column("subject", sa.String(300)),
        sa.Column("body", sa.Text),
        sa.Column("place", sa.String(300)),
        sa.Column("attendees", sa.JSON, nullable=False),
        sa.Column("actor_id", sa.Integer, sa.ForeignKey("users.id")),
        sa.Column("meta", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False, index=True),
    )
    op.create_table(
        "mentions",
        sa.Column("activity_id", sa.Integer, sa.ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), primary_key=True),
        sa.Column("seen_at", sa.DateTime),
    )
    op.create_table(
        "outreach_templates",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(80), nullable=False, unique=True),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_table(
        "offers",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("candidate_id", sa.Integer, sa.ForeignKey("candidates.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("role", sa.String(80), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("base", MONEY, nullable=False),
        sa.Column("bonus", MONEY, nullable=False),
        sa.Column("signing", MONEY, nullable=False),
        sa.Column("equity_value", MONEY, nullable=False),
        sa.Column("vesting_years", sa.Integer, nullable=False),
        sa.Column("vesting_cliff_months", sa.Integer, nullable=False),
        sa.Column("gpus", sa.Integer, nullable=False),
        sa.Column("start_date", sa.Date, nullable=False),
        sa.Column("expires_on", sa.Date, nullable=False),
        sa.Column("total_4y", MONEY, nullable=False),
        sa.Column("notes", sa.Text),
        sa.Column("created_by", sa.Integer, sa.ForeignKey("users.id")),
        sa.Column("approved_by", sa.Integer, sa.ForeignKey("users.id")),
        sa.Column("decline_reason", sa.Text),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.CheckConstraint("status IN ('draft', 'pending_approval', 'approved', 'sent', 'accepted', 'declined', "
                           "'expired', 'withdrawn')", name="ck_offers_status"),
        sa.CheckConstraint("base >= 0 AND bonus >= 0 AND signing >= 0 AND equity_value >= 0 AND gpus >= 0",
                           name="ck_offers_amounts"),
    )
    op.create_table(
        "plan_roles",
        sa.Column("role", sa.String(80), primary_key=True),
        sa.Column("slots", sa.Integer, nullable=False),
        sa.Column("budget", MONEY, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.CheckConstraint("slots >= 0 AND budget >= 0", name="ck_plan_roles_positive"),
    )
    op.create_table(
        "deals",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("company", sa.String(200), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("stake_percent", sa.Numeric(7, 3)),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("notes", sa.Text),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.CheckConstraint("kind IN ('investment', 'acquisition', 'acqui-hire', 'fund stake')", name="ck_deals_kind"),
    )
    op.create_table(
        "deal_people",
        sa.Column("deal_id", sa.Integer, sa.ForeignKey("deals.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("candidate_id", sa.Integer, sa.ForeignKey("candidates.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("note", sa.String(300)),
    )


def downgrade() -> None:
    for table in ("deal_people", "deals", "plan_roles", "offers", "outreach_templates", "mentions", "activities"):
        op.drop_table(table)
