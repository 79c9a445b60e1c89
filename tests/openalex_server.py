"""A loopback server replaying recorded OpenAlex responses (tests/data/openalex/api.json), with faults on demand.

Requests are matched on path and parameters; `mailto`, `api_key` and `per-page` are recorded, not matched.
A test scripts faults for the next requests (`replay.faults.append(...)`): a 429 with Retry-After, a 500, an
HTML page, a 403, or a connection dropped mid-page. `rate` turns on a rate limit like OpenAlex's: beyond it
the server answers 429 with Retry-After. Shared by the tests and bench/openalex.py.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from loopback import serve_app

RECORDINGS = Path(__file__).parent / "data" / "openalex" / "api.json"
UNMATCHED = ("mailto", "api_key", "per-page", "per_page")


@dataclass
class Fault:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"
    # Requests answered normally before this fault strikes (a failure in the middle of a download).
    after: int = 0


def too_many(retry_after: str = "1") -> Fault:
    return Fault(429, b'{"error": "Rate limit exceeded"}', {"Retry-After": retry_after})


def server_error() -> Fault:
    return Fault(500, b'{"error": "Internal server error"}')


def html_page() -> Fault:
    return Fault(200, b"<!doctype html><html><body>Service temporarily unavailable</body></html>",
                 content_type="text/html; charset=utf-8")


def forbidden() -> Fault:
    return Fault(403, b'{"error": "Forbidden", "message": "Invalid or missing API key"}')


@dataclass
class Replay:
    """The server's state: recordings, scripted faults, what it was asked, and its rate limit."""

    recordings: dict[tuple[str, tuple[tuple[str, str], ...]], Any]
    faults: list[Fault] = field(default_factory=list)
    seen: list[dict[str, str]] = field(default_factory=list)
    rate: float | None = None
    extra: dict[tuple[str, tuple[tuple[str, str], ...]], Any] = field(default_factory=dict)
    _times: list[float] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, path: str, params: dict[str, str], body: Any) -> None:
        """Record one more response (a bench's generated pages)."""
        self.extra[(path, tuple(sorted(params.items())))] = body

    def answer(self, request: Request) -> Response:
        params = dict(request.query_params)
        with self._lock:
            self.seen.append({"path": request.url.path, **params})
            if self.faults and self.faults[0].after > 0:
                self.faults[0].after -= 1
            elif self.faults:
                fault = self.faults.pop(0)
                return Response(fault.body, fault.status, fault.headers, media_type=fault.content_type)
            if self.rate is not None:
                now = time.monotonic()
                self._times = [t for t in self._times if now - t < 1.0]
                if len(self._times) >= self.rate:
                    return Response(b'{"error": "Rate limit exceeded"}', 429, {"Retry-After": "1"},
                                    media_type="application/json")
                self._times.append(now)
        key = (request.url.path, tuple(sorted((k, v) for k, v in params.items() if k not in UNMATCHED)))
        body = self.extra.get(key, self.recordings.get(key))
        if body is None:
            return JSONResponse({"error": "no recording", "message": f"{key}"}, 404)
        return Response(orjson.dumps(body), 200, media_type="application/json")


def add_pages(replay: Replay, pages: int, per_page: int, *, author: str = "A5023888391") -> None:
    """`pages` pages of `per_page` works by `author`, chained by cursors ("*", "c1", "c2", ...), each work a copy of
    a recorded one under its own id: a long download to pace, throttle and measure."""
    template = orjson.loads(RECORDINGS.with_name("works.jsonl").read_bytes().splitlines()[1])
    for k in range(pages):
        batch = [{**template, "id": f"https://openalex.org/W{7000000000 + k * per_page + j}"} for j in range(per_page)]
        replay.add("/works", {"filter": f"authorships.author.id:{author}", "cursor": "*" if k == 0 else f"c{k}"},
                   {"meta": {"count": pages * per_page, "next_cursor": f"c{k + 1}" if k + 1 < pages else None},
                    "results": batch})


def load_recordings() -> dict[tuple[str, tuple[tuple[str, str], ...]], Any]:
    data = orjson.loads(RECORDINGS.read_bytes())
    return {(r["request"]["path"], tuple(sorted(r["request"]["params"].items()))): r["response"]["body"]
            for r in data["recordings"]}


@contextmanager
def openalex_server() -> Iterator[tuple[str, Replay]]:
    """Serve the recordings on a loopback port; yields the base URL and the Replay to script and inspect."""
    replay = Replay(load_recordings())

    async def endpoint(request: Request) -> Response:
        return replay.answer(request)

    async def ready(request: Request) -> Response:
        return Response(b"ok")

    app = Starlette(routes=[Route("/ready", ready), Route("/{path:path}", endpoint)])
    with serve_app(app, "/ready") as base:
        yield base, replay
