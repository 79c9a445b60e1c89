"""Failed sign-ins kept in the pipeline database, so every worker of one deployment counts the same failures.

With `labscout serve --workers N` each process answers some of the requests; counts held in one process's memory
would give an attacker N times the attempts and make the lock-out depend on which worker answered. One row per
failure and counted key (account and client, account, client), stamped with the database's UTC wall clock
(all workers read the same one, unlike a process's monotonic clock). Keys are stored as an HMAC under the
server's key: the table never holds the e-mail addresses people typed, which are sometimes their password.
Rows older than the window are pruned whenever a failure is written.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from labscout.pipeline.models import SignInFailure, utcnow


def key_hash(key: str, secret: bytes = b"") -> str:
    return hmac.new(secret, key.encode(), hashlib.sha256).hexdigest()


def wait_seconds(session: Session, limits: Sequence[tuple[str, int]], *, window: timedelta,
                 now: datetime | None = None) -> float:
    """Seconds until every (hashed key, limit) has fewer than `limit` failures within the window (0: none)."""
    now = now or utcnow()
    wait = 0.0
    for key, limit in limits:
        # The limit-th newest failure in the window: the lock lifts when it leaves the window.
        oldest_counted = session.scalar(
            select(SignInFailure.failed_at)
            .where(SignInFailure.key_hash == key, SignInFailure.failed_at > now - window)
            .order_by(SignInFailure.failed_at.desc()).offset(limit - 1).limit(1))
        if oldest_counted is not None:
            wait = max(wait, (window - (now - oldest_counted)).total_seconds())
    return wait


def record(session: Session, keys: Iterable[str], *, window: timedelta, now: datetime | None = None) -> None:
    """Count one failure against every hashed key, and drop the rows no window counts any more."""
    now = now or utcnow()
    session.execute(delete(SignInFailure).where(SignInFailure.failed_at <= now - window))
    session.add_all(SignInFailure(key_hash=key, failed_at=now) for key in keys)
    session.flush()


def forget(session: Session, key: str) -> None:
    """Drop every failure counted against one hashed key (the right password for that account from that client)."""
    session.execute(delete(SignInFailure).where(SignInFailure.key_hash == key))
