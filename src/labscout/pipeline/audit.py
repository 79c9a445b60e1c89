"""The audit log: every change with who, when, the record before and after; read by executive and HR."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from labscout.pipeline.models import AuditEntry, Base, utcnow
from labscout.pipeline.roles import Actor, Perm, require


def snapshot(row: Base, *, leave_out: tuple[str, ...] = ("password_hash",)) -> dict[str, Any]:
    """The row's column values as JSON-ready data (dates as ISO text), secrets left out."""
    values: dict[str, Any] = {}
    for attr in inspect(row).mapper.column_attrs:
        if attr.key in leave_out:
            continue
        values[attr.key] = jsonable(getattr(row, attr.key))
    return values


def jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    return value


def record(session: Session, actor: Actor, action: str, entity: str, entity_id: object,
           before: dict[str, Any] | None, after: dict[str, Any] | None) -> AuditEntry:
    """Add one audit row in the caller's transaction, so the change and its record commit or vanish together."""
    entry = AuditEntry(actor_id=actor.user_id, actor_name=actor.name, action=action, entity=entity,
                       entity_id=str(entity_id), before=before, after=after)
    session.add(entry)
    return entry


def redact(entry: AuditEntry, before: dict[str, Any] | None, after: dict[str, Any] | None) -> None:
    """Replace an entry's content for an erasure: the one update the database allows, stamped `redacted_at`."""
    entry.before, entry.after = before, after
    entry.redacted_at = utcnow()


def changed_by(session: Session, entity: str, entity_id: object) -> str:
    """" by NAME at TIME UTC" from the record's newest audit row ("" without one): who a stale edit collided with."""
    last = session.scalar(select(AuditEntry).where(AuditEntry.entity == entity, AuditEntry.entity_id == str(entity_id))
                          .order_by(AuditEntry.id.desc()).limit(1))
    return f" by {last.actor_name} at {last.at:%Y-%m-%d %H:%M} UTC" if last else ""


@dataclass(frozen=True, slots=True)
class AuditOut:
    id: int
    at: datetime
    actor_id: int | None
    actor_name: str
    action: str
    entity: str
    entity_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    changed: list[str]


def _out(entry: AuditEntry) -> AuditOut:
    before, after = entry.before or {}, entry.after or {}
    changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
    return AuditOut(entry.id, entry.at, entry.actor_id, entry.actor_name, entry.action, entry.entity,
                    entry.entity_id, entry.before, entry.after, changed)


def list_entries(session: Session, actor: Actor, *, entity: str | None = None, entity_id: object = None,
                 limit: int = 100) -> list[AuditOut]:
    """The newest audit rows first, optionally for one entity (e.g. candidate 12)."""
    require(actor, Perm.SEE_AUDIT)
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if entity is not None:
        query = query.where(AuditEntry.entity == entity)
    if entity_id is not None:
        query = query.where(AuditEntry.entity_id == str(entity_id))
    return [_out(e) for e in session.scalars(query)]
