"""Fetch the public paper lists for a user who has internet; each file lands whole or not at all."""

from __future__ import annotations

import os
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import orjson

DEFAULT_BASE_URL = "https://raw.githubusercontent.com/papercopilot/paperlists/main"

# Venue -> years the upstream repository publishes (as of the snapshot LabScout was tested on).
MANIFEST: dict[str, tuple[int, ...]] = {
    "aaai": (2021, 2022, 2023, 2024, 2025),
    "acl": (2021, 2022, 2023, 2024, 2025),
    "acml": tuple(range(2010, 2025)),
    "aistats": (1995, 1997, 1999, 2001, 2003, 2005, 2007, *range(2009, 2026)),
    "automl": (2022, 2023, 2024),
    "colm": (2024, 2025),
    "colt": tuple(range(2011, 2025)),
    "corl": tuple(range(2021, 2026)),
    "cvpr": tuple(range(2013, 2026)),
    "eccv": (2018, 2020, 2022, 2024),
    "emnlp": (2021, 2022, 2023, 2024),
    "iccv": (2013, 2015, 2017, 2019, 2021, 2023, 2025),
    "iclr": (2013, 2014, *range(2017, 2027)),
    "icml": tuple(range(2013, 2026)),
    "ijcai": tuple(range(2020, 2025)),
    "kdd": (2023, 2024),
    "naacl": (2021, 2022, 2024, 2025),
    "nips": tuple(range(1987, 2026)),
    "uai": tuple(range(2019, 2025)),
    "wacv": tuple(range(2020, 2026)),
}


@dataclass(frozen=True, slots=True)
class DownloadResult:
    file: str
    ok: bool
    detail: str


def manifest_files(venues: Iterable[str] | None = None, since: int | None = None) -> list[str]:
    """Relative paths such as `iclr/iclr2023.json`, filtered by venue and first year."""
    chosen = list(venues) if venues else sorted(MANIFEST)
    unknown = [v for v in chosen if v not in MANIFEST]
    if unknown:
        raise ValueError(f"unknown venue(s) {', '.join(unknown)}; known: {', '.join(sorted(MANIFEST))}")
    return [f"{v}/{v}{y}.json" for v in chosen for y in MANIFEST[v] if since is None or y >= since]


def download(files: Iterable[str], dest: Path, *, base_url: str = DEFAULT_BASE_URL, timeout: float = 60.0,
             progress: Callable[[str], None] | None = None) -> list[DownloadResult]:
    """Fetch each file; a file that fails to arrive or to parse is reported and not written."""
    results = []
    for relative in files:
        if progress:
            progress(relative)
        results.append(_fetch_one(relative, dest, base_url.rstrip("/"), timeout))
    return results


def _fetch_one(relative: str, dest: Path, base_url: str, timeout: float) -> DownloadResult:
    url = f"{base_url}/{relative}"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            body = response.read()
    except urllib.error.HTTPError as exc:
        return DownloadResult(relative, False, f"HTTP {exc.code} from {url}")
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        return DownloadResult(relative, False, f"cannot reach {url}: {getattr(exc, 'reason', exc)}")
    try:
        parsed = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        return DownloadResult(relative, False, f"not valid JSON from {url}: {exc}")
    if not isinstance(parsed, list):
        return DownloadResult(relative, False, f"{url} is not a JSON array of papers")
    target = dest / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.part")
    tmp.write_bytes(body)
    os.replace(tmp, target)
    return DownloadResult(relative, True, f"{len(parsed)} papers, {len(body):,} bytes")
