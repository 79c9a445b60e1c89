"""The pipeline database: engines, one transaction per unit of work, schema upgrades by Alembic."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from labscout.errors import ConflictError

MIGRATIONS = Path(__file__).parent / "migrations"
STALE_MESSAGE = "someone else changed this record meanwhile; reload it and try again"


def make_engine(url: str, **options: Any) -> Engine:
    """An engine for `url`; SQLite files get foreign keys, WAL and a busy timeout so writers queue, not fail."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1] if "///" in url else ""
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30}, **options)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, **{"pool_pre_ping": True, **options})


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    # FULL: a committed change survives a power cut too; this data is typed by people and precious.
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=30000")
    # Erased personal data is overwritten in the file, not only unlinked from it.
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One unit of work: commit when the block ends, roll back on any error; services only add and flush."""
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except StaleDataError:
        session.rollback()
        raise ConflictError(STALE_MESSAGE) from None
    except IntegrityError as exc:
        session.rollback()
        raise ConflictError(f"the change collides with existing data: {exc.orig}") from None
    except OperationalError as exc:
        session.rollback()
        if is_contention(exc):
            raise ConflictError("the database was busy with a colliding change (lock wait or deadlock); nothing "
                                "was changed, try again") from None
        raise
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


# Opens one unit of work (a transaction committed when its block ends). The interface makes it and hands it to a
# flow that must commit in several steps, in an order that leaves nothing half-done: a change that spans the
# pipeline and the research store commits its record first, then changes the store, then follows up.
UnitOfWork = Callable[[], AbstractContextManager[Session]]


def units_of(engine: Engine) -> UnitOfWork:
    """Units of work on `engine`: each call opens a new transaction (see session_scope)."""
    return lambda: session_scope(engine)


# SQLSTATEs of PostgreSQL for serialization failure, deadlock and lock timeout; SQLite says "database is locked".
CONTENTION_CODES = {"40001", "40P01", "55P03"}


def is_contention(exc: OperationalError) -> bool:
    code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    return code in CONTENTION_CODES or "database is locked" in str(exc.orig)


def flush(session: Session) -> None:
    """Flush pending changes, turning a concurrent edit into a ConflictError."""
    try:
        session.flush()
    except StaleDataError:
        raise ConflictError(STALE_MESSAGE) from None


def alembic_config(url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # Revisions are named by date-time and slug (STYLE.md): versions/YYYY-MM-DD-HHMM_slug.py
    config.set_main_option("file_template", "%%(year)d-%%(month).2d-%%(day).2d-%%(hour).2d%%(minute).2d_%%(slug)s")
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(engine_or_url: Engine | str, revision: str = "head") -> None:
    """Bring the database schema to `revision` (default: the newest) with Alembic."""
    engine = make_engine(engine_or_url) if isinstance(engine_or_url, str) else engine_or_url
    config = alembic_config()
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    except OperationalError as exc:
        raise ConflictError(f"cannot upgrade the pipeline database: {exc.orig}") from None
    finally:
        if isinstance(engine_or_url, str):
            engine.dispose()


def upgrade_if_behind(engine: Engine) -> bool:
    """Upgrade only a database whose schema is not the newest (one cheap read otherwise); True if it was."""
    try:
        if current_revision(engine) == head_revision():
            return False
    except OperationalError as exc:
        raise ConflictError(f"cannot read the pipeline database: {exc.orig}") from None
    upgrade(engine)
    return True


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


@lru_cache(maxsize=1)
def head_revision() -> str:
    """The newest revision the migrations define (read once: they do not change while the program runs)."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def require_current(engine: Engine) -> None:
    """Refuse to work on a database whose schema is not the newest: tell the user how to upgrade."""
    found = current_revision(engine)
    if found != head_revision():
        raise ConflictError(f"the pipeline database is at schema {found or 'none'}, expected {head_revision()}; "
                            "run `labscout pipeline upgrade`")
