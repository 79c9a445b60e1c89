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
    "LABSCOUT_HOME": "where the research store, the SQLite pipeline database and the session key live",
    "LABSCOUT_DATABASE_URL": "the pipeline database (SQLAlchemy URL), e.g. PostgreSQL for a team",
    "LABSCOUT_SECRET": "the key session tokens are hashed with in the database (default: a random key kept in "
                       "LABSCOUT_HOME; set the same value on every server of a team)",
    "LABSCOUT_SESSION_IDLE": "seconds without a request after which a sign-in session ends (default 7200)",
    "LABSCOUT_SESSION_MAX": "seconds after sign-in at which a session ends however busy (default 43200)",
    "LABSCOUT_SECURE_COOKIES": "0 to send the session cookie over plain HTTP to a non-local address",
    "LABSCOUT_SMTP_HOST": "the mail server outreach is sent through",
    "LABSCOUT_SMTP_PORT": "its port",
    "LABSCOUT_SMTP_FROM": "the sender address of outreach",
    "LABSCOUT_SMTP_USER": "the mail server account",
    "LABSCOUT_SMTP_PASSWORD": "its password",
    "LABSCOUT_SMTP_STARTTLS": "1 to use STARTTLS",
    "LABSCOUT_USER": "who a command acts as, by e-mail",
    "LABSCOUT_OPENALEX_MAILTO": "the e-mail address sent to OpenAlex with each request (its polite pool)",
    "LABSCOUT_OPENALEX_API_KEY": "an OpenAlex API key, sent when given",
    "LABSCOUT_OPENALEX_URL": "the OpenAlex API's address (default https://api.openalex.org)",
    "LABSCOUT_OPENALEX_DIR": "where downloaded OpenAlex works are kept for ingest (default LABSCOUT_HOME/openalex)",
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
class OpenAlexSettings:
    """How LabScout asks OpenAlex for works (LABSCOUT_OPENALEX_*); downloads land in `folder`."""

    base_url: str = "https://api.openalex.org"
    mailto: str | None = None
    api_key: str | None = None
    folder: Path | None = None


@dataclass(frozen=True, slots=True)
class Settings:
    """Where LabScout keeps its state; everything lives under `home` unless a database URL says otherwise."""

    home: Path
    database_url: str | None = None
    smtp: SmtpSettings = SmtpSettings()
    # The key session tokens are hashed with (LABSCOUT_SECRET); None: a random key kept under `home`.
    secret: bytes | None = None
    secure_cookies: bool = True
    # Sign-in sessions end after this long without a request, and this long after sign-in whatever happens.
    session_idle_seconds: int = 2 * 3600
    session_max_seconds: int = 12 * 3600
    openalex: OpenAlexSettings = OpenAlexSettings()

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
                   secure_cookies=_flag(env.get("LABSCOUT_SECURE_COOKIES"), True),
                   session_idle_seconds=_seconds(env, "LABSCOUT_SESSION_IDLE", 2 * 3600),
                   session_max_seconds=_seconds(env, "LABSCOUT_SESSION_MAX", 12 * 3600),
                   openalex=OpenAlexSettings(
                       base_url=env.get("LABSCOUT_OPENALEX_URL") or "https://api.openalex.org",
                       mailto=env.get("LABSCOUT_OPENALEX_MAILTO") or None,
                       api_key=env.get("LABSCOUT_OPENALEX_API_KEY") or None,
                       folder=Path(env["LABSCOUT_OPENALEX_DIR"]).expanduser() if env.get("LABSCOUT_OPENALEX_DIR")
                       else None))

    @property
    def pipeline_url(self) -> str:
        """The recruiting pipeline's database: LABSCOUT_DATABASE_URL, else a SQLite file beside the research store."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.home / 'pipeline.sqlite').resolve()}"

    @property
    def research_store(self) -> Path:
        return self.home / "research.duckdb"

    @property
    def openalex_folder(self) -> Path:
        """Where OpenAlex downloads are kept for ingest."""
        return self.openalex.folder or self.home / "openalex"


def _seconds(env: Mapping[str, str], name: str, default: int) -> int:
    value = (env.get(name) or "").strip()
    if not value:
        return default
    if not (value.isascii() and value.isdigit()) or int(value) < 1:
        raise ValueError(f"{name}: expected a number of seconds, not {value!r}")
    return int(value)
