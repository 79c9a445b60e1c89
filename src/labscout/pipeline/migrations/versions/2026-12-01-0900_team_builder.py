"""The team builder: cost estimates and acceptance chances, the topics the plan needs, floors and seats.

Revision ID: 1900_team_builder
Revises: 1810_currency_rates_four_eyes
Create Date: 2026-12-01 09:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "1900_team_builder"
down_revision = "1810_currency_rates_four_eyes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "candidate_estimates",
        sa.Column("candidate_id", sa.Integer, sa.ForeignKey("candidates.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("cost_4y", sa.BigInteger),
        sa.Column("currency", sa.String(3)),
        sa.Column("chance", sa.Float),
        sa.Column("slate_rule", sa.String(3)),
        sa.Column("note", sa.Text),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("updated_by", sa.Integer, sa.ForeignKey("users.id")),
        sa.Column("version", sa.Integer, nullable=False),
        sa.CheckConstraint("cost_4y IS NULL OR cost_4y >= 0", name="ck_candidate_estimates_cost"),
        sa.CheckConstraint("chance IS NULL OR (chance >= 0 AND chance <= 1)", name="ck_candidate_estimates_chance"),
        sa.CheckConstraint("slate_rule IS NULL OR slate_rule IN ('in', 'out')", name="ck_candidate_estimates_rule"),
    )
    op.create_table(
        "stage_chances",
        sa.Column("stage", sa.String(40), sa.ForeignKey("stages.name", onupdate="CASCADE", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("chance", sa.Float, nullable=False),
        sa.CheckConstraint("chance >= 0 AND chance <= 1", name="ck_stage_chances_chance"),
    )
    op.create_table(
        "team_topics",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("topic", sa.String(300), nullable=False, unique=True),
        sa.Column("min_people", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.CheckConstraint("min_people >= 0", name="ck_team_topics_min_people"),
    )
    op.create_table(
        "team_role_topics",
        sa.Column("role", sa.String(80), sa.ForeignKey("plan_roles.role", onupdate="CASCADE", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("topic_id", sa.Integer, sa.ForeignKey("team_topics.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("weight", sa.Float, nullable=False),
        sa.CheckConstraint("weight > 0", name="ck_team_role_topics_weight"),
    )
    op.create_table(
        "floor_plans",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(120), nullable=False, unique=True),
        sa.Column("source", sa.String(300)),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("created_by", sa.Integer, sa.ForeignKey("users.id")),
        sa.Column("assigned_at", sa.DateTime),
        sa.Column("summary", sa.JSON),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_table(
        "floor_desks",
        sa.Column("floor_id", sa.Integer, sa.ForeignKey("floor_plans.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("desk", sa.String(40), primary_key=True),
        sa.Column("x", sa.Float, nullable=False),
        sa.Column("y", sa.Float, nullable=False),
        sa.Column("occupant", sa.String(200)),
    )
    op.create_table(
        "seat_assignments",
        sa.Column("floor_id", sa.Integer, primary_key=True),
        sa.Column("desk", sa.String(40), primary_key=True),
        sa.Column("candidate_id", sa.Integer, sa.ForeignKey("candidates.id", ondelete="CASCADE"), nullable=False),
        sa.Column("distance", sa.Float, nullable=False),
        sa.ForeignKeyConstraint(["floor_id", "desk"], ["floor_desks.floor_id", "floor_desks.desk"],
                                ondelete="CASCADE", name="fk_seat_assignments_desk"),
        sa.UniqueConstraint("floor_id", "candidate_id", name="uq_seat_assignments_candidate"),
    )


def downgrade() -> None:
    for table in ("seat_assignments", "floor_desks", "floor_plans", "team_role_topics", "team_topics",
                  "stage_chances", "candidate_estimates"):
        op.drop_table(table)
