"""What the app holds open for its lifetime: the pipeline engine and the research store with its index.

The research store is replaced by a rename on every ingest and every identity correction; the app notices
the new file (by inode and modification time) and reopens it, so a correction shows on the next request.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine

from labscout.config import Settings
from labscout.errors import NotFoundError
from labscout.pipeline import corrections, db
from labscout.research.store import ResearchStore
from labscout.talent import index


@dataclass(slots=True)
class Discovery:
    store: ResearchStore
    talent: index.TalentIndex
    stamp: tuple[int, int, int]


@dataclass
class Resources:
    settings: Settings
    engine: Engine
    _discovery: Discovery | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def open(cls, settings: Settings) -> Resources:
        # One connection per request in flight: room for many users at once before anyone waits.
        engine = db.make_engine(settings.pipeline_url, pool_size=20, max_overflow=40)
        db.upgrade_if_behind(engine)
        # A correction command stopped between its commits is finished before the first request reads the store.
        corrections.recover(db.units_of(engine), settings.research_store)
        return cls(settings, engine)

    def discovery(self) -> Discovery:
        """The research store and its search index, reopened when the file was replaced."""
        path = self.settings.research_store
        stamp = _stamp(path)
        with self._lock:
            current = self._discovery
            if current is None or current.stamp != stamp:
                store = ResearchStore(path)
                fresh = Discovery(store, index.open_index(store), stamp)
                self._discovery = fresh
                if current is not None:
                    current.store.close()
                return fresh
            return current

    def close(self) -> None:
        if self._discovery is not None:
            self._discovery.store.close()
        self.engine.dispose()


def _stamp(path: Path) -> tuple[int, int, int]:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise NotFoundError(f"no research store at {path}; build it with `labscout ingest PATH`") from None
    return (st.st_ino, st.st_mtime_ns, st.st_size)
