"""One Settings object, read by the entry point and passed down."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_HOME = Path(".labscout")
# The demo reads the shared paper lists from beside the checkout when they are there.
DEFAULT_SOURCES = Path("../shared/data/paperlists")


@dataclass(frozen=True, slots=True)
class Settings:
    """Where LabScout keeps its state; everything lives under `home`."""

    home: Path

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        return cls(home=Path(env.get("LABSCOUT_HOME") or DEFAULT_HOME).expanduser())

    @property
    def research_store(self) -> Path:
        return self.home / "research.duckdb"
