"""The registry of source adapters: which module reads which files."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Protocol

from labscout.errors import BadInputError
from labscout.sources import openalex, paperlists, snapshot
from labscout.sources.records import PaperRecord, SkippedRecord


class Adapter(Protocol):
    NAME: str

    def iter_records(self, path: Path, *, skip_bad: bool = False,
                     skipped: list[SkippedRecord] | None = None) -> Iterator[PaperRecord]: ...


# One entry per input format; an arXiv adapter would register here beside these.
ADAPTERS: dict[str, ModuleType] = {paperlists.NAME: paperlists, openalex.NAME: openalex}
# What a folder is searched for: paper lists (.json), OpenAlex works (.jsonl, .jsonl.gz, a snapshot's .gz parts).
SOURCE_SUFFIXES = (".json", ".jsonl", ".jsonl.gz", ".json.gz", ".gz")
# Enough of a file to hold its first OpenAlex work, which can be long (hundreds of authors).
_FIRST_LINE_LIMIT = 8 << 20


def get_adapter(name: str) -> ModuleType:
    """The adapter module registered under `name`."""
    try:
        return ADAPTERS[name]
    except KeyError:
        known = ", ".join(sorted(ADAPTERS))
        raise BadInputError(f"unknown source format '{name}' (known: {known})", file=name) from None


def detect(path: Path) -> ModuleType:
    """The adapter that reads `path`, told by its content: a JSON array is a paper list, JSON Lines of works
    (plain or gzip, whatever the file is called) are OpenAlex. Content that is neither goes to the adapter
    its name suggests, whose own reading says what is wrong with it."""
    try:
        with openalex.open_lines(path) as handle:
            head = handle.read(64).lstrip()
            if head.startswith(b"["):
                return paperlists
            if head.startswith(b"{"):
                first = (head + handle.readline(_FIRST_LINE_LIMIT)).split(b"\n", 1)[0]
                if openalex.looks_like(first):
                    return openalex
                if not path.name.endswith(".json"):
                    raise BadInputError("a JSON object per line, but not OpenAlex works (no 'id' of a work, "
                                        "no 'authorships')", file=str(path), line=1)
    except OSError as exc:
        raise BadInputError(f"cannot read the file: {exc}", file=str(path)) from exc
    except EOFError as exc:
        raise BadInputError(f"the file ends early (truncated download?): {exc}", file=str(path)) from exc
    if path.name.endswith(".json"):
        return paperlists
    if not head:
        # No lines is a valid JSON Lines file (a download that found nothing, an empty snapshot part).
        return openalex
    raise BadInputError("neither a paper list (a JSON array) nor OpenAlex works (JSON Lines)", file=str(path))


def _source_files(folder: Path) -> list[Path]:
    # Partial downloads (.part, dot-files), manifests and a snapshot's other entities are not sources.
    found = []
    for p in folder.rglob("*"):
        relative = p.relative_to(folder)
        if p.is_file() and p.name.endswith(SOURCE_SUFFIXES) and not any(x.startswith(".") for x in relative.parts) \
                and p.name not in snapshot.MANIFEST_NAMES and not snapshot.is_other_entity(folder, relative):
            found.append(p)
    return sorted(found)


def discover_files(paths: Iterable[Path]) -> list[Path]:
    """Every input file under the given files and folders, in one order whatever order they are given in.

    The order is by file name, then full path: a build reads papers (and numbers repeated entries) in this
    order, so the same files give the same store from any command line or directory listing. A folder
    holding an OpenAlex snapshot manifest is checked against it first: a listed part that is missing or
    shorter than the manifest says is an incomplete download, named before anything is read.
    """
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            snapshot.check_manifest(path)
            found.extend(_source_files(path))
        elif path.is_file():
            found.append(path)
        else:
            raise BadInputError("no such file or folder", file=str(path))
    unique = sorted(dict.fromkeys(p.resolve() for p in found), key=lambda p: (p.name, str(p)))
    if not unique:
        raise BadInputError(f"no source files ({', '.join(SOURCE_SUFFIXES)}) found",
                            file=", ".join(str(p) for p in paths))
    return unique
