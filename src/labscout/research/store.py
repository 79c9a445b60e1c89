"""Read-only access to the research store.

Only the read modules of `research/` query it (a test enforces it); everyone else gets typed, frozen records
from them, never rows or SQL.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

import duckdb

from labscout.errors import InvalidError, NotFoundError

R = TypeVar("R")
# The layout of the tables this version reads; a build writes it into build_info, a reader checks it.
# 5: careers (person_years strength, moves, org_relations, slot pairing).
# 6: OpenAlex works beside the paper lists (paper_sources, authorship_institutions, sources per fact).
# 7: per-author slot lists out of order as a whole (misaligned_lists), paired with nobody.
SCHEMA_VERSION = 7
# What a connection that builds or patches a store may hold in memory before it spills to disk. Not DuckDB's
# default (most of memory: the machine may be small and busy), and not a fixed 1 GB either: the careers
# derivation of a corpus ten times the paper lists (1.2 M papers) runs out of 1 GB in operators that cannot
# spill (lists per person and year). A quarter of the machine, at least 1 GB.
def writer_config() -> dict[str, str | bool | int | float | list[str]]:
    """DuckDB settings for the connection that writes a store (a build or a patch)."""
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return {"memory_limit": f"{max(1 << 30, total // 4) >> 20}MB", "threads": 2}


# Positional (?) or named ($name) query parameters.
Params = list[Any] | dict[str, Any] | None


class StaleStoreError(InvalidError):
    """The store was built by another version of LabScout: rebuild it (an ingest replaces it whole)."""


class ResearchStore:
    """A read-only connection to a built store; several readers may share the file, several threads the store.

    A DuckDB connection runs one statement at a time, so each thread gets its own cursor on the one database
    (the web app serves requests from a pool of threads).
    """

    def __init__(self, path: Path, *, any_schema: bool = False) -> None:
        """`any_schema`: open a store of another version too (a rebuild reads the old one's mentions)."""
        if not path.exists():
            raise NotFoundError(f"no research store at {path}; build it with `labscout ingest PATH`")
        self.path = path
        # Attached to a database of its own rather than opened by path: DuckDB hands a second connect() to
        # a path the instance it already has open, so a reader reopening after a rebuild (which replaced the
        # file) while the old store is still in use would read the old file again.
        self._root = duckdb.connect(":memory:")
        self._root.execute("ATTACH ? AS store (READ_ONLY)", [str(path)])
        self._root.execute("USE store")
        self._local = threading.local()
        self._cursors: list[duckdb.DuckDBPyConnection] = []
        self._lock = threading.Lock()
        if not any_schema:
            try:
                self._check_schema()
            except BaseException:
                self._root.close()
                raise

    def _check_schema(self) -> None:
        """A store built by another version is refused here, with what to do, not by a missing column later."""
        try:
            row = self._root.execute("SELECT value FROM build_info WHERE key = 'schema_version'").fetchone()
        except duckdb.CatalogException:
            row = None
        if row is None or row[0] != str(SCHEMA_VERSION):
            built = f"schema {row[0]}" if row else "no schema version"
            raise StaleStoreError(f"the research store at {self.path} was built by another version of LabScout "
                               f"({built}; this version reads schema {SCHEMA_VERSION}); rebuild it with "
                               "`labscout ingest PATH` (the team's corrections are kept and applied)")

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        """This thread's connection to the store."""
        found: duckdb.DuckDBPyConnection | None = getattr(self._local, "con", None)
        if found is None:
            with self._lock:
                found = self._root.cursor()
                self._cursors.append(found)
            # No progress bar: it would print into a command's output (and its --json) on a slow query.
            found.execute("SET enable_progress_bar = false")
            found.execute("USE store")
            self._local.con = found
        return found

    def close(self) -> None:
        with self._lock:
            for cursor in self._cursors:
                cursor.close()
            self._cursors.clear()
        self._root.close()

    def __enter__(self) -> ResearchStore:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def rows(self, sql: str, params: Params = None) -> list[dict[str, Any]]:
        """Query results as dicts keyed by column name."""
        cursor = self.con.execute(sql, params or [])
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def one(self, sql: str, params: Params = None) -> dict[str, Any] | None:
        found = self.rows(sql, params)
        return found[0] if found else None

    def records(self, record: Callable[..., R], sql: str, params: Params = None) -> list[R]:
        """Query results as typed records: each column passed to `record` by name."""
        return [record(**row) for row in self.rows(sql, params)]

    def first_record(self, record: Callable[..., R], sql: str, params: Params = None) -> R | None:
        found = self.records(record, sql, params)
        return found[0] if found else None
