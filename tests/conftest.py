"""Shared fixtures: the tiny paperlists corpus and a store built from it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from labscout.research.build import build_store

DATA = Path(__file__).parent / "data" / "paperlists"


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    """A private copy of the fixture corpus that a test may add bad files to."""
    target = tmp_path / "paperlists"
    shutil.copytree(DATA, target)
    return target


@pytest.fixture(scope="session")
def built_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store built once from the fixture corpus, for read-only tests."""
    dest = tmp_path_factory.mktemp("store") / "research.duckdb"
    build_store([DATA], dest)
    return dest


REAL = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "paperlists"


@pytest.fixture(scope="session")
def real_store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The store built from the real paper lists, once per test session (about a minute and a half)."""
    if not REAL.is_dir():
        pytest.skip(f"no real paper lists at {REAL}")
    dest = tmp_path_factory.mktemp("real") / "research.duckdb"
    summary = build_store([REAL], dest)
    assert summary.papers > 120_000 and summary.authorships > 520_000
    return dest


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built store of the small world of tests/world.py (read-only: copy it to change it)."""
    from world import write_world

    root = tmp_path_factory.mktemp("world")
    dest = root / "home" / "research.duckdb"
    build_store([write_world(root / "sources")], dest)
    return dest
