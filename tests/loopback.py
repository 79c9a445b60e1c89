"""Servers the tests run on loopback: a free port, and an ASGI app served by uvicorn in a thread.

Importable from any test folder (`from loopback import serve_app`, tests/ is on the path through conftest).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import uvicorn


def free_port() -> int:
    """A port nothing listens on now, for a server that cannot be given port 0."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve_app(app: Any, ready_path: str) -> Iterator[str]:
    """Serve `app` on a free loopback port until the block ends; yields its base URL once `ready_path` answers."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.config.port}"
    try:
        for _ in range(100):
            try:
                httpx.get(base + ready_path, timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def wait_for(url: str, tries: int = 300) -> None:
    """Return once `url` answers at all (any status), or after `tries` tenths of a second."""
    for _ in range(tries):
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)


@contextmanager
def serve_command(home: Path, **env: str) -> Iterator[str]:
    """`labscout serve` in its own process for LABSCOUT_HOME `home` on a free loopback port; yields its base URL."""
    port = free_port()
    environ = {**os.environ, "LABSCOUT_HOME": str(home), **env}
    environ.pop("LABSCOUT_DATABASE_URL", None)
    server = subprocess.Popen([str(Path(sys.executable).with_name("labscout")), "serve", "--port", str(port)],
                              env=environ, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/login")
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)
