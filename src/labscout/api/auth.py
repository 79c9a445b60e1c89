"""Sign-in defences of the web app: rate limiting, the Origin check, header validation, security headers.

Sessions themselves are server-side (`pipeline.sessions`): the cookie holds a random token only. Failed
sign-ins are counted in the pipeline database (`pipeline.sign_in_failures`), so all workers of a deployment share
them: per account, per client address, and per account from that client, in a sliding window;
a success clears only the count of that account from that client, so signing in to one's own account never
wipes the failures an address piled up against others. The pair locks first (an attacker at one address
guessing one account); the account and the address alone have higher limits, so one noisy address does not
lock every account behind it, nor does one attacked account lock out its owner elsewhere at the first try.
"""

from __future__ import annotations

import math
import os
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Engine

from labscout.config import Settings
from labscout.pipeline import db, sign_in_failures

COOKIE = "labscout_session"
FAILURE_WINDOW = 300.0
# Failures allowed in the window: for one account from one client, for one account, for one client.
PAIR_LIMIT, ACCOUNT_LIMIT, CLIENT_LIMIT = 5, 10, 15
# A CSRF token as the server issues them (secrets.token_urlsafe); anything else is refused before comparing.
CSRF_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,128}$")

# No inline script anywhere: every script is a file under /static. Pages may not be framed.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}
# Pages and API answers hold candidates and compensation: no cache, shared or private, keeps a copy.
NO_STORE = "no-store"


class TooManyAttempts(Exception):
    """Sign-in refused for a while; `retry_after` seconds until the next try may succeed."""

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(f"too many failed sign-ins; try again in {retry_after} s")


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
class Attempt:
    """Who tries to sign in, from where: the keys the limiter counts."""

    email: str
    client: str

    def counted(self) -> tuple[tuple[str, int], ...]:
        return ((f"pair:{self.email}|{self.client}", PAIR_LIMIT), (f"account:{self.email}", ACCOUNT_LIMIT),
                (f"client:{self.client}", CLIENT_LIMIT))


class RateLimiter:
    """Failed sign-ins per key in a sliding window, counted in the pipeline database.

    Every worker process of one deployment opens the same database, so they share one count: `--workers N`
    gives an attacker no more tries, and the lock-out does not depend on which worker answers. Each call is its
    own short transaction, committed whatever becomes of the request's (a wrong password rolls that one back).
    Keys are hashed under the server's key (`secret`), the same in every worker.
    """

    def __init__(self, engine: Engine, *, secret: bytes = b"", window: float = FAILURE_WINDOW) -> None:
        self.window = window
        self._units = db.units_of(engine)
        self._secret = secret

    def _limits(self, attempt: Attempt) -> list[tuple[str, int]]:
        return [(sign_in_failures.key_hash(key, self._secret), limit) for key, limit in attempt.counted()]

    def check(self, attempt: Attempt) -> None:
        """Raise TooManyAttempts when any of the attempt's counts is at its limit."""
        with self._units() as unit:
            wait = sign_in_failures.wait_seconds(unit, self._limits(attempt), window=timedelta(seconds=self.window))
        if wait > 0:
            raise TooManyAttempts(max(1, math.ceil(wait)))

    def failed(self, attempt: Attempt) -> None:
        with self._units() as unit:
            sign_in_failures.record(unit, [key for key, _ in self._limits(attempt)],
                                    window=timedelta(seconds=self.window))

    def succeeded(self, attempt: Attempt) -> None:
        """The right password: forget this account's failures from this client, and nothing else."""
        with self._units() as unit:
            sign_in_failures.forget(unit, self._limits(attempt)[0][0])


def same_origin(origin: str | None, host: str | None, scheme: str) -> bool:
    """Whether a browser's Origin header names this server (no header: not a browser's cross-site request)."""
    if origin is None:
        return True
    if not host:
        return False
    return origin.rstrip("/").lower() in {f"{scheme}://{host}".lower(), f"https://{host}".lower()}


def valid_csrf(token: str) -> bool:
    return bool(CSRF_TOKEN.match(token))
