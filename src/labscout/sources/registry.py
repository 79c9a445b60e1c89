"""The registry of source adapters: which module reads which files."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Protocol

from labscout.errors import BadInputError
from labscout.sources import paperlists
from labscout.sources.records import PaperRecord, SkippedRecord


class Adapter(Protocol):
    NAME: str

    def iter_records(self, path: Path, *, skip_bad: bool = False,
                     skipped: list[SkippedRecord] | None = None) -> Iterator[PaperRecord]: ...


# One entry per input format; OpenAlex or arXiv adapters register here beside paperlists.
ADAPTERS: dict[str, ModuleType] = {paperlists.NAME: paperlists}


def get_adapter(name: str) -> ModuleType:
    """The adapter module registered under `name`."""
    try:
        return ADAPTERS[name]
    except KeyError:
        known = ", ".join(sorted(ADAPTERS))
        raise BadInputError(f"unknown source format '{name}' (known: {known})", file=name) from None


def discover_files(paths: Iterable[Path]) -> list[Path]:
    """Every input file under the given files and folders, in one order whatever order they are given in.

    The order is by file name, then full path: a build reads papers (and numbers repeated entries) in this
    order, so the same files give the same store from any command line or directory listing.
    """
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*.json") if p.is_file()))
        elif path.is_file():
            found.append(path)
        else:
            raise BadInputError("no such file or folder", file=str(path))
    unique = sorted(dict.fromkeys(p.resolve() for p in found), key=lambda p: (p.name, str(p)))
    if not unique:
        raise BadInputError("no .json files found", file=", ".join(str(p) for p in paths))
    return unique
