"""An OpenAlex snapshot folder: its manifest, and whether the parts it lists all arrived whole.

The snapshot keeps each entity under `works/updated_date=YYYY-MM-DD/part_NNN.gz` with a manifest in Redshift's
format (`{"entries": [{"url": ..., "meta": {"content_length": ..., "record_count": ...}}]}`): `works/manifest`
in the older layout, one `manifest.json` for all entities beside `works/` in the newer one. A part that is
missing or shorter than its manifest entry is an interrupted download; it is named before anything is read.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from labscout.errors import BadInputError

MANIFEST_NAMES = ("manifest", "manifest.json")
WORKS = "works"
PARTITION = "updated_date="


def is_other_entity(folder: Path, relative: Path) -> bool:
    """Whether a file under `folder` is a snapshot part of another entity than works (authors, institutions)."""
    parts = (folder.name, *relative.parts)
    return any(p.startswith(PARTITION) and parts[k - 1] != WORKS for k, p in enumerate(parts) if k > 0)


@dataclass(frozen=True, slots=True)
class Part:
    """One data file the manifest lists, relative to the folder given."""

    path: Path
    content_length: int | None
    record_count: int | None


def find_manifest(folder: Path) -> Path | None:
    """The manifest covering `folder` (a snapshot's `works/`, or the folder above it), if there is one."""
    for base in (folder, folder.parent):
        for name in MANIFEST_NAMES:
            candidate = base / name
            if candidate.is_file():
                return candidate
    return None


def manifest_parts(folder: Path) -> list[Part]:
    """The works parts the manifest lists, where they belong under `folder` (a `works/` folder or the one
    holding it); [] when there is no manifest."""
    manifest = find_manifest(folder)
    if manifest is None:
        return []
    root = folder.parent if folder.name == WORKS else folder
    try:
        data: Any = orjson.loads(manifest.read_bytes())
    except (OSError, orjson.JSONDecodeError) as exc:
        raise BadInputError(f"unreadable snapshot manifest: {exc}", file=str(manifest)) from None
    entries = data.get("entries") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise BadInputError("a snapshot manifest holds a list of 'entries'", file=str(manifest), field="entries")
    parts = []
    marker = f"/{WORKS}/"
    for k, entry in enumerate(entries):
        url = entry.get("url") if isinstance(entry, dict) else None
        if not isinstance(url, str):
            raise BadInputError("an entry without a 'url'", file=str(manifest), record=k, field="url")
        if marker not in url:
            continue  # another entity's part (a combined manifest)
        meta = entry.get("meta") if isinstance(entry.get("meta"), dict) else {}
        length, count = meta.get("content_length"), meta.get("record_count")
        parts.append(Part(root / WORKS / url.split(marker, 1)[1], length if isinstance(length, int) else None,
                          count if isinstance(count, int) else None))
    return parts


def check_manifest(folder: Path) -> None:
    """Raise BadInputError naming the first part the manifest lists that is missing or cut short."""
    for part in manifest_parts(folder):
        if not part.path.is_file():
            raise BadInputError("listed in the snapshot manifest but missing: download incomplete",
                                file=str(part.path))
        size = part.path.stat().st_size
        if part.content_length is not None and size != part.content_length:
            raise BadInputError(f"{size:,} bytes where the snapshot manifest says {part.content_length:,}: "
                                "download incomplete or damaged", file=str(part.path))
