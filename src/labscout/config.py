"""One Settings object, built once by the entry point (the command, the web app factory) and passed down.

Every setting is read from the environment here and nowhere else; `ENVIRONMENT` lists them all, and a test
checks that the README documents each one.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DEFAULT_HOME = Path(".labscout")
# The demo reads the shared paper lists from beside the checkout when they are there.
DEFAULT_SOURCES = Path("../shared/data/paperlists")

# Every environment variable LabScout reads, and what it means.
ENVIRONMENT = {
    "LABSCOUT_HOME": "where the research store, the SQLite pipeline database and the signing key live",
    "LABSCOUT_DATABASE_URL": "the pipeline database (SQLAlchemy URL), e.g. PostgreSQL for a team",
    "LABSCOUT_SECRET": "the key that signs session cookies (default: a random key kept in LABSCOUT_HOME)",
    "LABSCOUT_SECURE_COOKIES": "0 to send the session cookie over plain HTTP to a non-local address",
    "LABSCOUT_SMTP_HOST": "the mail server outreach is sent through",
    "LABSCOUT_SMTP_PORT": "its port",
    "LABSCOUT_SMTP_FROM": "the sender address of outreach",
    "LABSCOUT_SMTP_USER": "the mail server account",
    "LABSCOUT_SMTP_PASSWORD": "its password",
    "LABSCOUT_SMTP_STARTTLS": "1 to use STARTTLS",
    "LABSCOUT_USER": "who a command acts as, by e-mail",
}


def _flag(value: str | None, default: bool) -> bool:
    if value is None or not value.strip():
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    """The mail server outreach is sent through (LABSCOUT_SMTP_*)."""

    host: str = "localhost"
    port: int = 25
    sender: str = "labscout@localhost"
    user: str | None = None
    password: str | None = None
    starttls: bool = False


@dataclass(frozen=True, slots=True)
class Settings:
    """Where LabScout keeps its state; everything lives under `home` unless a database URL says otherwise."""

    home: Path
    database_url: str | None = None
    smtp: SmtpSettings = SmtpSettings()
    # The session-signing key from LABSCOUT_SECRET; None: a random key kept under `home` (api.auth.load_secret).
    secret: bytes | None = None
    secure_cookies: bool = True

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        smtp = SmtpSettings(
            host=env.get("LABSCOUT_SMTP_HOST") or "localhost",
            port=int(env.get("LABSCOUT_SMTP_PORT") or 25),
            sender=env.get("LABSCOUT_SMTP_FROM") or "labscout@localhost",
            user=env.get("LABSCOUT_SMTP_USER") or None,
            password=env.get("LABSCOUT_SMTP_PASSWORD") or None,
            starttls=_flag(env.get("LABSCOUT_SMTP_STARTTLS"), False),
        )
        secret = env.get("LABSCOUT_SECRET") or None
        return cls(home=Path(env.get("LABSCOUT_HOME") or DEFAULT_HOME).expanduser(),
                   database_url=env.get("LABSCOUT_DATABASE_URL") or None, smtp=smtp,
                   secret=secret.encode() if secret else None,
                   secure_cookies=_flag(env.get("LABSCOUT_SECURE_COOKIES"), True))

    @property
    def pipeline_url(self) -> str:
        """The recruiting pipeline's database: LABSCOUT_DATABASE_URL, else a SQLite file beside the research store."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.home / 'pipeline.sqlite').resolve()}"

    @property
    def research_store(self) -> Path:
        return self.home / "research.duckdb"
