"""Talent tests run on the small world (tests/world.py), built once per session in tests/conftest.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from labscout.research.store import ResearchStore
from labscout.talent import index


@pytest.fixture()
def store(world: Path) -> Iterator[ResearchStore]:
    with ResearchStore(world) as s:
        yield s


@pytest.fixture()
def talent_index(store: ResearchStore) -> index.TalentIndex:
    return index.open_index(store)
