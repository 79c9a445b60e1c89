"""Sessions, CSRF protection and sign-in rate limiting.

A session is a signed cookie (HMAC-SHA256 with the server's secret) holding the user id, a CSRF token and
when it was issued; nothing else about the user lives in the browser. Every unsafe request made with the
cookie must carry the same CSRF token (form field or X-CSRF-Token header). Failed sign-ins are counted per
e-mail and per client address; past the limit, sign-in is refused for a while even with the right password.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass

from labscout.config import Settings

COOKIE = "labscout_session"
MAX_AGE = 12 * 3600
FAILURES_ALLOWED = 5
FAILURE_WINDOW = 300.0


def load_secret(settings: Settings) -> bytes:
    """The signing secret: LABSCOUT_SECRET (Settings.secret), else a random key kept (mode 600) under the home."""
    if settings.secret:
        return settings.secret
    path = settings.home / "secret.key"
    if not path.exists():
        settings.home.mkdir(parents=True, exist_ok=True)
        try:
            # Written whole under another name and linked into place: a second worker starting at the same
            # moment reads either no key (and makes this one) or the whole key, never half of it.
            tmp = path.with_name(f".secret.{os.getpid()}.{secrets.token_hex(4)}")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(secrets.token_bytes(32))
            try:
                os.link(tmp, path)
            finally:
                tmp.unlink()
        except FileExistsError:
            pass  # another process made it first: use theirs
    return path.read_bytes()


@dataclass(frozen=True, slots=True)
class SessionData:
    user_id: int
    csrf: str
    issued: int


class Sessions:
    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def _sign(self, payload: bytes) -> str:
        return base64.urlsafe_b64encode(hmac.new(self._secret, payload, hashlib.sha256).digest()).decode()

    def issue(self, user_id: int) -> tuple[str, SessionData]:
        data = SessionData(user_id, secrets.token_urlsafe(24), int(time.time()))
        payload = f"{data.user_id}|{data.csrf}|{data.issued}".encode()
        return base64.urlsafe_b64encode(payload).decode() + "." + self._sign(payload), data

    def read(self, cookie: str | None) -> SessionData | None:
        if not cookie or "." not in cookie:
            return None
        body, signature = cookie.rsplit(".", 1)
        try:
            payload = base64.urlsafe_b64decode(body.encode())
        except ValueError:
            return None
        if not hmac.compare_digest(self._sign(payload), signature):
            return None
        try:
            user_id, csrf, issued = payload.decode().split("|")
            data = SessionData(int(user_id), csrf, int(issued))
        except ValueError:
            return None
        if time.time() - data.issued > MAX_AGE:
            return None
        return data


class RateLimiter:
    """Failed sign-ins per key in a sliding window."""

    def __init__(self, allowed: int = FAILURES_ALLOWED, window: float = FAILURE_WINDOW) -> None:
        self.allowed, self.window = allowed, window
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def blocked(self, *keys: str) -> float:
        """Seconds to wait before another try is allowed for any of `keys` (0: go ahead)."""
        now = time.monotonic()
        wait = 0.0
        with self._lock:
            for key in keys:
                found = self._failures[key]
                while found and now - found[0] > self.window:
                    found.popleft()
                if len(found) >= self.allowed:
                    wait = max(wait, self.window - (now - found[0]))
        return wait

    def failed(self, *keys: str) -> None:
        now = time.monotonic()
        with self._lock:
            for key in keys:
                self._failures[key].append(now)

    def succeeded(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)
