"""The daily e-mail digest of each user's new alerts, over SMTP, for the users who opted in.

Run it from a daily timer (`labscout alerts digest`); running it more often is harmless: a user gets at most
one digest a day, and each alert is e-mailed at most once. A user's alerts are marked e-mailed only after the
mail server took the message, so a failure leaves them for the next run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from sqlalchemy import select

from labscout.config import SmtpSettings
from labscout.errors import ConflictError
from labscout.pipeline import alerts, outreach
from labscout.pipeline.db import UnitOfWork, flush
from labscout.pipeline.models import User, utcnow
from labscout.pipeline.users import actor_of
from labscout.pipeline.watch_models import AlertPreference

# A digest a day: a run within this much of the last one sends nothing new to that user.
DAY = timedelta(hours=20)
MAX_ITEMS = 50


@dataclass(slots=True)
class DigestReport:
    sent: list[str] = field(default_factory=list)
    alerts: int = 0
    failed: list[str] = field(default_factory=list)


def send_digests(units: UnitOfWork, smtp: SmtpSettings, *, now: datetime | None = None,
                 base_url: str | None = None) -> DigestReport:
    """E-mail each opted-in user the alerts they have not read nor been sent, at most once a day."""
    now = now or utcnow()
    report = DigestReport()
    with units() as session:
        due = [(u.id, u.email, u.name) for u, pref in session.execute(
            select(User, AlertPreference).join(AlertPreference, AlertPreference.user_id == User.id)
            .where(AlertPreference.daily_digest.is_(True), User.active.is_(True)).order_by(User.id))
            if pref.last_digest_at is None or now - pref.last_digest_at >= DAY]
    for user_id, address, name in due:
        with units() as session:
            user = session.get(User, user_id)
            assert user is not None
            pending = alerts.not_emailed(session, actor_of(user), limit=MAX_ITEMS)
            if not pending:
                continue
            message = _message(name, address, pending, smtp, base_url)
        try:
            outreach.deliver(message, smtp)
        except ConflictError as exc:
            report.failed.append(f"{address}: {exc}")
            continue
        with units() as session:
            alerts.mark_emailed(session, [a.id for a in pending], now)
            pref = session.get(AlertPreference, user_id)
            if pref is not None:
                pref.last_digest_at = now
            flush(session)
        report.sent.append(address)
        report.alerts += len(pending)
    return report


def _message(name: str, address: str, items: list[alerts.AlertOut], smtp: SmtpSettings,
             base_url: str | None) -> EmailMessage:
    message = EmailMessage()
    message["From"] = formataddr(("LabScout", smtp.sender))
    message["To"] = formataddr((name, address))
    message["Subject"] = f"LabScout: {len(items)} new alert{'s' if len(items) != 1 else ''}"
    message["Message-ID"] = make_msgid(domain=smtp.sender.split("@")[-1] or "labscout")
    lines = [f"Hello {name},", "", "What changed for the people and searches you watch:", ""]
    for item in items:
        lines.append(f"* {alerts.KINDS.get(item.kind, item.kind)}: {item.title}")
        if item.detail:
            lines.append(f"  {item.detail}")
        if base_url and item.person_id:
            lines.append(f"  {base_url.rstrip('/')}/people/{item.person_id}")
    lines += ["", "Your inbox: " + (f"{base_url.rstrip('/')}/alerts" if base_url else "the Alerts page of LabScout"),
              "You get this because you turned on the daily digest; turn it off on the Alerts page."]
    message.set_content("\n".join(lines) + "\n")
    return message
