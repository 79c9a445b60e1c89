"""Team tests: the pipeline database on both backends (pipeline/conftest.py) and the small research world."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from labscout.research.store import ResearchStore
from labscout.talent import index
from pipeline.conftest import backend, engine, pg_server, team, templates  # noqa: F401  (the same fixtures)


@pytest.fixture()
def store(world: Path) -> Iterator[ResearchStore]:
    with ResearchStore(world) as s:
        yield s


@pytest.fixture()
def talent_index(store: ResearchStore) -> index.TalentIndex:
    return index.open_index(store)
