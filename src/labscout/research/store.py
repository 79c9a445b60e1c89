"""Read-only access to the research store."""

from __future__ import annotations

from pathlib import Path
from types import TracebackType
from typing import Any

import duckdb

from labscout.errors import NotFoundError


class ResearchStore:
    """A read-only connection to a built store; several readers may share the file."""

    def __init__(self, path: Path) -> None:
        if not path.exists():
            raise NotFoundError(f"no research store at {path}; build it with `labscout ingest PATH`")
        self.path = path
        # No progress bar: it would print into a command's output (and its --json) on a slow query.
        self.con = duckdb.connect(str(path), read_only=True)
        self.con.execute("SET enable_progress_bar = false")

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> ResearchStore:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def rows(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        """Query results as dicts keyed by column name."""
        cursor = self.con.execute(sql, params or [])
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def one(self, sql: str, params: list[Any] | None = None) -> dict[str, Any] | None:
        found = self.rows(sql, params)
        return found[0] if found else None
