"""Backup and restore of the whole pipeline database as one portable JSON file (SQLite and PostgreSQL alike).

A backup records the schema revision; restore refuses a file from another revision, and replaces the data in a
single transaction, so a failed restore leaves the database as it was.
"""

from __future__ import annotations

import os
import tempfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Date, DateTime, Engine, Numeric, Table, func, insert, select, text

from labscout.errors import BadInputError, ConflictError
from labscout.pipeline import audit, db
from labscout.pipeline import identity_models as _identity_tables  # noqa: F401  (their tables are backed up too)
from labscout.pipeline import team_models as _team_tables  # noqa: F401  (the team builder's too)
from labscout.pipeline.models import AuditEntry, Base, utcnow
from labscout.pipeline.roles import Actor, Perm, require

FORMAT = "labscout-pipeline-backup/1"


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
        for table in Base.metadata.sorted_tables:
            rows = [{k: audit.jsonable(v) for k, v in row._asdict().items()}
                    for row in connection.execute(select(table).order_by(*table.primary_key.columns))]
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
    values = dict(row)
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
    unknown = set(tables) - set(Base.metadata.tables)
    if unknown:
        raise BadInputError(f"unknown tables {sorted(unknown)}", file=str(path), field="tables")
    return data


def restore(engine: Engine, actor: Actor, path: Path, *, replace: bool = False) -> dict[str, int]:
    """Replace the database's contents with the backup's, in one transaction; refuses to overwrite unless asked."""
    require(actor, Perm.BACKUP)
    data = read_backup(path)
    head = db.head_revision()
    if data["revision"] != head:
        raise ConflictError(f"the backup is from schema {data['revision']}, this database is at {head}; "
                            "restore into a LabScout of that version, or upgrade it first")
    counts: dict[str, int] = {}
    with engine.begin() as connection:
        if not replace:
            for table in Base.metadata.sorted_tables:
                if table.name in ("stages", "outreach_templates"):  # seeded by the migrations
                    continue
                if connection.execute(select(func.count()).select_from(table)).scalar_one():
                    raise ConflictError(f"the database already holds data ({table.name}); restoring over it "
                                        "must be asked for as replacing it", field="replace")
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())
        for table in Base.metadata.sorted_tables:
            rows = []
            for index, row in enumerate(data["tables"].get(table.name, [])):
                try:
                    rows.append(_typed(table, row))
                except (ValueError, TypeError, AttributeError) as exc:
                    raise BadInputError(f"table {table.name}: {exc}", file=str(path), record=index) from None
            for start in range(0, len(rows), 1000):
                connection.execute(insert(table), rows[start:start + 1000])
            counts[table.name] = len(rows)
        if engine.dialect.name == "postgresql":
            for table in Base.metadata.sorted_tables:
                if "id" in table.columns and table.columns["id"].autoincrement in (True, "auto"):
                    connection.execute(text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"coalesce((SELECT max(id) FROM {table.name}), 0) + 1, false)"))
        connection.execute(insert(AuditEntry), [{
            "at": utcnow(), "actor_id": actor.user_id, "actor_name": actor.name, "action": "restore",
            "entity": "database", "entity_id": path.name, "before": None,
            "after": {"file": str(path), "created_at": data.get("created_at"), "rows": counts}}])
    return counts
