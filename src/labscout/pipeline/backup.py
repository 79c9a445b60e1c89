"""Backup and restore of the whole pipeline database as one portable JSON file (SQLite and PostgreSQL alike).

A backup records the schema revision; restore refuses a file from another revision, and replaces the data in a
single transaction, so a failed restore leaves the database as it was. A backup holds no password hashes and no
sign-in sessions: restored users keep the password they have in this database, and users new to it must be given
one (`labscout user password`). Restore is the executive's alone, refuses a backup that changes users or roles
unless the executive confirms it, ends every session, and never rewrites the audit log: entries the database
lacks are added, the ones it has are kept as they are, and a restore entry says what changed.
"""

from __future__ import annotations

import os
import tempfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Connection, Date, DateTime, Engine, Numeric, Table, func, insert, select, text

from labscout.errors import BadInputError, ConflictError
from labscout.pipeline import audit, db, users
from labscout.pipeline import identity_models as _identity_tables  # noqa: F401  (their tables are backed up too)
from labscout.pipeline import team_models as _team_tables  # noqa: F401  (the team builder's too)
from labscout.pipeline import watch_models as _watch_tables  # noqa: F401  (saved searches, watches, alerts too)
from labscout.pipeline.models import AuditEntry, Base, SignInFailure, User, WebSession, utcnow
from labscout.pipeline.roles import Actor, Perm, Role, require

FORMAT = "labscout-pipeline-backup/2"
# Never written to a backup: secrets (session token hashes), what a restore must not bring back, and the
# sign-in failures (a few minutes' worth, keyed by the server's key).
NOT_BACKED_UP = {WebSession.__tablename__, SignInFailure.__tablename__}
SECRET_COLUMNS = {"users": ("password_hash",)}
AUDIT = AuditEntry.__tablename__


def _table(name: str) -> Table:
    return Base.metadata.tables[name]


def _tables() -> list[Table]:
    return [t for t in Base.metadata.sorted_tables if t.name not in NOT_BACKED_UP]


def backup(engine: Engine, actor: Actor, dest: Path) -> dict[str, int]:
    """Write every table to `dest` (written aside, then renamed: a crash never leaves half a backup)."""
    require(actor, Perm.BACKUP)
    counts: dict[str, int] = {}
    tables: dict[str, list[dict[str, Any]]] = {}
    # One read transaction (REPEATABLE READ on PostgreSQL, a snapshot in SQLite WAL): the tables agree.
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY"))
        else:  # pysqlite starts no transaction for reads on its own; without one each table is read at its own time
            connection.exec_driver_sql("BEGIN")
        revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
        for table in _tables():
            secret = SECRET_COLUMNS.get(table.name, ())
            columns = [c for c in table.columns if c.name not in secret]
            rows = [{k: audit.jsonable(v) for k, v in row._asdict().items()}
                    for row in connection.execute(select(*columns).order_by(*table.primary_key.columns))]
            tables[table.name] = rows
            counts[table.name] = len(rows)
    data = {"format": FORMAT, "revision": revision, "created_at": audit.jsonable(utcnow()),
            "created_by": actor.name, "tables": tables}
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=dest.name, suffix=".part")
    with os.fdopen(fd, "wb") as out:
        out.write(orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS))
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, dest)
    return counts


def _typed(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    values = {k: v for k, v in row.items() if k in table.columns}
    for column in table.columns:
        value = values.get(column.name)
        if value is None:
            continue
        if isinstance(column.type, DateTime):
            values[column.name] = datetime.fromisoformat(value)
        elif isinstance(column.type, Date):
            values[column.name] = date.fromisoformat(value)
        elif isinstance(column.type, Numeric):
            values[column.name] = Decimal(value)
    return values


def read_backup(path: Path) -> dict[str, Any]:
    try:
        data = orjson.loads(path.read_bytes())
    except FileNotFoundError:
        raise BadInputError("no such file", file=str(path)) from None
    except orjson.JSONDecodeError as exc:
        raise BadInputError(f"not a JSON backup ({exc})", file=str(path)) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BadInputError(f"not a LabScout pipeline backup (expected format {FORMAT})", file=str(path),
                            field="format")
    tables = data.get("tables")
    if not isinstance(tables, dict):
        raise BadInputError("the backup holds no tables", file=str(path), field="tables")
    unknown = set(tables) - {t.name for t in _tables()}
    if unknown:
        raise BadInputError(f"unknown tables {sorted(unknown)}", file=str(path), field="tables")
    for name, rows in tables.items():
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise BadInputError(f"table {name}: expected a list of rows", file=str(path), field="tables")
    return data


def _rows(table: Table, data: dict[str, Any], path: Path) -> list[dict[str, Any]]:
    rows = []
    for index, row in enumerate(data["tables"].get(table.name, [])):
        try:
            rows.append(_typed(table, row))
        except (ValueError, TypeError, AttributeError) as exc:
            raise BadInputError(f"table {table.name}: {exc}", file=str(path), record=index) from None
    return rows


def user_changes(current: list[dict[str, Any]], restored: list[dict[str, Any]]) -> list[str]:
    """What a restore would change about who may sign in and with which role, one line per user."""
    def key(row: dict[str, Any]) -> str:
        return str(row.get("email") or f"user {row.get('id')}")

    now = {key(r): r for r in current}
    then = {key(r): r for r in restored}
    changes = [f"{email}: removed" for email in sorted(set(now) - set(then))]
    changes += [f"{email}: added as {then[email].get('role')}" for email in sorted(set(then) - set(now))]
    for email in sorted(set(now) & set(then)):
        a, b = now[email], then[email]
        for name in ("role", "active", "id"):
            if a.get(name) != b.get(name):
                changes.append(f"{email}: {name} {a.get(name)} -> {b.get(name)}")
    return changes


def _restore_audit(connection: Connection, rows: list[dict[str, Any]]) -> dict[str, int]:
    """Add the backup's audit entries the database lacks; never change or remove the ones it has."""
    table = _table(AUDIT)
    kept = {row.id: row for row in connection.execute(select(table))}
    fields = ("at", "actor_id", "actor_name", "action", "entity", "entity_id", "before", "after")
    new = [r for r in rows if r.get("id") not in kept]
    differing = sum(1 for r in rows if r.get("id") in kept
                    and any(getattr(kept[r["id"]], f) != r.get(f) for f in fields))
    for start in range(0, len(new), 1000):
        connection.execute(insert(table), new[start:start + 1000])
    return {"added": len(new), "kept": len(kept), "differing_in_backup_kept_as_in_database": differing}


def restore(engine: Engine, actor: Actor, path: Path, *, replace: bool = False,
            confirm_users: bool = False) -> dict[str, int]:
    """Replace the database's contents with the backup's, in one transaction; refuses to overwrite unless asked."""
    require(actor, Perm.RESTORE)
    data = read_backup(path)
    head = db.head_revision()
    if data["revision"] != head:
        raise ConflictError(f"the backup is from schema {data['revision']}, this database is at {head}; "
                            "restore into a LabScout of that version, or upgrade it first")
    counts: dict[str, int] = {}
    users_table = _table(User.__tablename__)
    restored_users = _rows(users_table, data, path)
    if not any(u.get("role") == Role.EXECUTIVE.value and u.get("active") for u in restored_users):
        raise BadInputError("the backup has no active executive: nobody could manage the team after it",
                            file=str(path), field="users")
    with engine.begin() as connection:
        current_users = [dict(r._mapping) for r in connection.execute(select(users_table))]
        if not replace:
            for table in _tables():
                if table.name in ("stages", "outreach_templates"):  # seeded by the migrations
                    continue
                if connection.execute(select(func.count()).select_from(table)).scalar_one():
                    raise ConflictError(f"the database already holds data ({table.name}); restoring over it "
                                        "must be asked for as replacing it", field="replace")
        changes = user_changes(current_users, restored_users) if current_users else []
        if changes and not confirm_users:
            raise ConflictError("the backup changes users or roles: " + "; ".join(changes)
                                + ". If that is meant, restore again confirming the user changes",
                                field="confirm_users")
        # Hashes never come from a file: a user keeps the password they have here, or must be given one.
        hashes = {(u["id"], u["email"]): u["password_hash"] for u in current_users}
        for row in restored_users:
            row["password_hash"] = hashes.get((row.get("id"), row.get("email")), users.NO_PASSWORD)
        ended = connection.execute(_table(WebSession.__tablename__).delete()).rowcount
        for table in reversed(_tables()):
            if table.name != AUDIT:
                connection.execute(table.delete())
        for table in _tables():
            if table.name == AUDIT:
                continue
            rows = restored_users if table is users_table else _rows(table, data, path)
            for start in range(0, len(rows), 1000):
                connection.execute(insert(table), rows[start:start + 1000])
            counts[table.name] = len(rows)
        trail = _restore_audit(connection, _rows(_table(AUDIT), data, path))
        counts[AUDIT] = len(data["tables"].get(AUDIT, []))
        if engine.dialect.name == "postgresql":
            for table in _tables():
                if "id" in table.columns and table.columns["id"].autoincrement in (True, "auto"):
                    connection.execute(text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"coalesce((SELECT max(id) FROM {table.name}), 0) + 1, false)"))
        connection.execute(insert(AuditEntry), [{
            "at": utcnow(), "actor_id": actor.user_id, "actor_name": actor.name, "action": "restore",
            "entity": "database", "entity_id": path.name[:64], "before": None,
            "after": {"file": str(path), "created_at": data.get("created_at"), "created_by": data.get("created_by"),
                      "rows": counts, "users_changed": changes, "users_confirmed": bool(changes),
                      "audit": trail, "sessions_ended": ended,
                      "users_without_password": sorted(str(u.get("email")) for u in restored_users
                                                       if u["password_hash"] == users.NO_PASSWORD)}}])
    return counts
