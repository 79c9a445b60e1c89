"""Download OpenAlex works into a file `labscout ingest` reads, resumably, never leaving half a file behind.

While a download runs, pages are appended to a hidden `.NAME.jsonl.part` beside a `.NAME.state.json` that
records the cursor of the next page and how many bytes of the part are whole. An interrupted download (an
error after the retries, a Ctrl-C, a crash) is resumed by asking for the same query again: the part is cut
back to its last whole page and paging goes on from the saved cursor. Only a complete download becomes
`NAME.jsonl.gz`, by rename. Works that are not well-formed (a field of the wrong type) are not written into
it: they go to `NAME.rejected.ndjson` (not a file ingest reads) with the request and the reason, so nothing
is lost and ingest is not stopped by them.
"""

from __future__ import annotations

import gzip
import os
import shutil
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import orjson

from labscout.errors import BadInputError
from labscout.sources import openalex
from labscout.sources.openalex_api import OpenAlexClient, WorksQuery

Progress = Callable[[int, int | None], None]
"""Called as (works written so far, works OpenAlex counts for the query, when it says)."""


@dataclass(frozen=True, slots=True)
class DownloadReport:
    file: Path
    works: int
    pages: int
    rejected: int
    resumed: bool
    count: int | None


@dataclass(slots=True)
class _State:
    params: dict[str, str]
    cursor: str
    whole_bytes: int
    works: int
    pages: int
    rejected: int
    count: int | None


def paths_for(dest: Path, name: str) -> tuple[Path, Path, Path, Path]:
    """The final file, the hidden part and state, and the rejected works' file of a download called `name`."""
    return (dest / f"{name}.jsonl.gz", dest / f".{name}.jsonl.part", dest / f".{name}.state.json",
            dest / f"{name}.rejected.ndjson")


def download_works(client: OpenAlexClient, query: WorksQuery, dest: Path, *, name: str | None = None,
                   progress: Progress | None = None) -> DownloadReport:
    """Fetch every work `query` finds into `dest/NAME.jsonl.gz` (NAME: the query's label), resuming a download
    of the same query that was cut short."""
    name = name or query.label()
    final, part, state_file, rejected_file = paths_for(dest, name)
    dest.mkdir(parents=True, exist_ok=True)
    params = query.params()
    state = _load_state(state_file, params)
    resumed = state is not None
    if state is None:
        state = _State(params, "*", 0, 0, 0, 0, None)
        part.unlink(missing_ok=True)
        rejected_file.unlink(missing_ok=True)
    with part.open("ab") as out:
        # A crash between a page's bytes and its state leaves a page's tail beyond `whole_bytes`: cut it off.
        out.truncate(state.whole_bytes)
        out.seek(state.whole_bytes)
        if progress is not None:
            progress(state.works, state.count)
        # An empty cursor: every page was written before the download stopped; only the rename is left.
        for page in client.works(query, cursor=state.cursor) if state.cursor else ():
            good, bad = _split(page.results, page.request)
            out.write(b"".join(orjson.dumps(w) + b"\n" for w in good))
            out.flush()
            os.fsync(out.fileno())
            if bad:
                with rejected_file.open("ab") as rejects:
                    rejects.write(b"".join(orjson.dumps(r) + b"\n" for r in bad))
            state.whole_bytes = out.tell()
            state.works += len(good)
            state.rejected += len(bad)
            state.pages += 1
            state.count = page.count
            state.cursor = page.next_cursor or ""
            _save_state(state_file, state)
            if progress is not None:
                progress(state.works, state.count)
    _finish(part, final)
    state_file.unlink(missing_ok=True)
    return DownloadReport(final, state.works, state.pages, state.rejected, resumed, state.count)


def _split(results: list[object], request: str) -> tuple[list[object], list[dict[str, object]]]:
    good: list[object] = []
    bad: list[dict[str, object]] = []
    for k, work in enumerate(results):
        try:
            openalex.parse_work(work, file=request, line=k + 1)
        except BadInputError as exc:
            bad.append({"request": request, "result": k, "field": exc.field, "reason": exc.reason, "work": work})
            continue
        good.append(work)
    return good, bad


def _finish(part: Path, final: Path) -> None:
    tmp = final.with_name(f".{final.name}.tmp")
    with part.open("rb") as source, gzip.open(tmp, "wb", compresslevel=6) as target:
        shutil.copyfileobj(source, target, 1 << 20)
    os.replace(tmp, final)
    part.unlink()


def _load_state(path: Path, params: dict[str, str]) -> _State | None:
    if not path.is_file():
        return None
    try:
        data = orjson.loads(path.read_bytes())
        state = _State(**data)
    except (orjson.JSONDecodeError, TypeError):
        return None  # a state file that cannot be read: start again rather than guess
    # The same name for another query (other filters, another date) is a new download.
    return state if state.params == params else None


def _save_state(path: Path, state: _State) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(orjson.dumps(asdict(state)))
    os.replace(tmp, path)
