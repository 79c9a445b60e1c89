"""Server-side sign-in sessions, and an audit log the database itself keeps append-only.

Sessions live in the pipeline database so that signing out, deactivation, a password or a role change end them
at once. The audit log refuses DELETE (and TRUNCATE) and any UPDATE but an erasure's redaction, which may only
replace the before/after of an entry and must stamp `redacted_at`; who, when, what and which record never change.

Revision ID: 1800_sessions_append_only_audit
Revises: 0911_intro_template_path
Create Date: 2026-12-01 07:20
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "1800_sessions_append_only_audit"
down_revision = "0911_intro_template_path"
branch_labels = None
depends_on = None

# The columns an erasure may not touch; on SQLite `IS NOT` compares NULLs as values.
KEPT = ("id", "at", "actor_id", "actor_name", "action", "entity", "entity_id")
MESSAGE = "the audit log is append-only: entries are never deleted, and only an erasure redacts their content"

SQLITE = [
    f"""CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER audit_log_no_rewrite BEFORE UPDATE ON audit_log
        WHEN {" OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in KEPT)}
             OR NEW.redacted_at IS NULL OR (OLD.redacted_at IS NOT NULL AND NEW.redacted_at < OLD.redacted_at)
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
]

POSTGRESQL = [
    f"""CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'UPDATE' THEN
            IF {" AND ".join(f"NEW.{c} IS NOT DISTINCT FROM OLD.{c}" for c in KEPT)}
               AND NEW.redacted_at IS NOT NULL AND (OLD.redacted_at IS NULL OR NEW.redacted_at >= OLD.redacted_at)
            THEN
              RETURN NEW;
            END IF;
          END IF;
          RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'restrict_violation';
        END $$""",
    """CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
       FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()""",
    """CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
       FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()""",
]


def upgrade() -> None:
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("last_seen_at", sa.DateTime, nullable=False),
        sa.Column("expires_at", sa.DateTime, nullable=False),
        sa.Column("ended_at", sa.DateTime),
        sa.Column("ended_why", sa.String(80)),
        sa.Column("client", sa.String(64)),
        sa.Column("user_agent", sa.String(200)),
    )
    op.add_column("audit_log", sa.Column("redacted_at", sa.DateTime))
    for statement in POSTGRESQL if op.get_bind().dialect.name == "postgresql" else SQLITE:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_log_no_truncate ON audit_log")
        op.execute("DROP TRIGGER audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION audit_log_append_only()")
    else:
        op.execute("DROP TRIGGER audit_log_no_rewrite")
        op.execute("DROP TRIGGER audit_log_no_delete")
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("redacted_at")
    op.drop_table("web_sessions")
