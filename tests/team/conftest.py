"""Team tests: the pipeline database on both backends (pipeline/conftest.py) and the small research world."""

from __future__ import annotations

from pipeline.conftest import backend, engine, pg_server, team, templates  # noqa: F401  (the same fixtures)
from talent.conftest import store, talent_index  # noqa: F401
