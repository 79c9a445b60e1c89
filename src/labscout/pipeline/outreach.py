"""Outreach: message templates rendered with the candidate's own work, sent over SMTP only on a human's command.

`compose` renders a draft for a person to read and edit; `send_email` sends exactly the text it is given and logs
it on the timeline. Nothing here sends on its own.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from typing import Any

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment
from sqlalchemy import select
from sqlalchemy.orm import Session

from labscout.config import SmtpSettings
from labscout.errors import ConflictError, InvalidError, NotFoundError
from labscout.pipeline import activities, audit, candidates
from labscout.pipeline.db import flush
from labscout.pipeline.models import Template, User
from labscout.pipeline.roles import Actor, Perm, require
from labscout.research import coauthors
from labscout.research import papers as research_papers
from labscout.research.store import ResearchStore

SAMPLE = {"candidate": {"name": "Ada Lovelace", "first_name": "Ada", "affiliation": "Analytical Engines",
                        "target_role": "researcher"},
          "sender": {"name": "Sam Sender", "email": "sam@example.org"},
          "top_papers": [{"paper_id": "p1", "title": "Notes on the Engine", "venue": "ICLR", "year": 2024}],
          "shared_coauthors": [{"person_id": "x", "name": "Charles Babbage", "joint_papers": 2}],
          "coauthors": [{"person_id": "x", "name": "Charles Babbage", "joint_papers": 2}]}


@dataclass(frozen=True, slots=True)
class TemplateOut:
    id: int
    name: str
    subject: str
    body: str
    version: int


@dataclass(frozen=True, slots=True)
class Draft:
    """A rendered message for a human to review; `evidence` lists the papers and people it cites."""

    candidate_id: int
    to: str | None
    subject: str
    body: str
    template: str | None
    evidence: dict[str, Any] = field(default_factory=dict)


def _env() -> SandboxedEnvironment:
    return SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, trim_blocks=True, lstrip_blocks=True)


def _render(text: str, context: dict[str, Any], what: str) -> str:
    try:
        return _env().from_string(text).render(context)
    except TemplateError as exc:
        raise InvalidError(f"template {what}: {exc.message or exc}") from None


def save_template(session: Session, actor: Actor, *, name: str, subject: str, body: str,
                  expected_version: int | None = None) -> TemplateOut:
    """Create or replace a template; it must render against a sample candidate, so typos show now."""
    require(actor, Perm.EDIT_TEMPLATES)
    key = name.strip().lower()
    if not key:
        raise InvalidError("a template needs a name")
    _render(subject, SAMPLE, "subject")
    _render(body, SAMPLE, "body")
    row = session.scalar(select(Template).where(Template.name == key))
    before = audit.snapshot(row) if row is not None else None
    if row is None:
        row = Template(name=key, subject=subject, body=body)
        session.add(row)
    else:
        if expected_version is not None and expected_version != row.version:
            raise ConflictError(f"template '{key}' was changed meanwhile (now version {row.version})")
        row.subject, row.body = subject, body
    flush(session)
    audit.record(session, actor, "update" if before else "create", "template", row.id, before, audit.snapshot(row))
    return TemplateOut(row.id, row.name, row.subject, row.body, row.version)


def list_templates(session: Session, actor: Actor) -> list[TemplateOut]:
    require(actor, Perm.VIEW_PIPELINE)
    return [TemplateOut(t.id, t.name, t.subject, t.body, t.version)
            for t in session.scalars(select(Template).order_by(Template.name))]


def get_template(session: Session, name: str) -> Template:
    row = session.scalar(select(Template).where(Template.name == name.strip().lower()))
    if row is None:
        known = ", ".join(t.name for t in session.scalars(select(Template).order_by(Template.name)))
        raise NotFoundError(f"no template called '{name}'; there are: {known or 'none'}")
    return row


def candidate_work(store: ResearchStore, person_id: str, sender_person_id: str | None, *, papers: int = 3,
                   ) -> dict[str, Any]:
    """The candidate's top accepted papers, their frequent co-authors, and those they share with the sender."""
    shared = coauthors.shared_coauthors(store, person_id, sender_person_id) if sender_person_id else []
    return {"top_papers": research_papers.top_accepted(store, person_id, top=papers),
            "coauthors": coauthors.frequent_coauthors(store, person_id), "shared_coauthors": shared}


def compose(session: Session, actor: Actor, candidate_id: int, template: str, *,
            store: ResearchStore | None = None) -> Draft:
    """Render `template` for one candidate, with their work from the research store when they are linked to it."""
    require(actor, Perm.SEND_OUTREACH)
    c = candidates.load(session, candidate_id)
    row = get_template(session, template)
    sender = session.get(User, actor.user_id) if actor.user_id is not None else None
    work: dict[str, Any] = {"top_papers": [], "coauthors": [], "shared_coauthors": []}
    if c.person_id and store is not None:
        work = candidate_work(store, c.person_id, sender.person_id if sender else None)
    context = {"candidate": {"name": c.name, "first_name": c.name.split()[0], "affiliation": c.affiliation or "",
                             "target_role": c.target_role},
               "sender": {"name": actor.name, "email": sender.email if sender else ""}, **work}
    return Draft(c.id, c.email, _render(row.subject, context, f"'{row.name}' subject"),
                 _render(row.body, context, f"'{row.name}' body"), row.name,
                 {"papers": [p.paper_id for p in work["top_papers"]],
                  "shared_coauthors": [p.person_id for p in work["shared_coauthors"]]})


def send_email(session: Session, actor: Actor, candidate_id: int, *, subject: str, body: str, smtp: SmtpSettings,
               to: str | None = None, template: str | None = None, evidence: dict[str, Any] | None = None,
               ) -> activities.ActivityOut:
    """Send one message now over SMTP and log it on the timeline; the first contact moves the candidate on."""
    require(actor, Perm.SEND_OUTREACH)
    c = candidates.load(session, candidate_id)
    address = (to or c.email or "").strip()
    if not address:
        raise InvalidError(f"candidate {c.id} has no e-mail address; add one to the candidate or give the address "
                           "to send to", field="to")
    if not subject.strip() or not body.strip():
        raise InvalidError("an e-mail needs a subject and a text")
    sender = session.get(User, actor.user_id) if actor.user_id is not None else None
    message = EmailMessage()
    message["From"] = formataddr((actor.name, smtp.sender))
    if sender is not None:
        message["Reply-To"] = sender.email
    message["To"] = formataddr((c.name, address))
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain=smtp.sender.split("@")[-1] or "labscout")
    message.set_content(body)
    entry = activities.log(session, actor, c.id, "email", subject=subject, body=body, attendees=[address],
                           meta={"direction": "out", "message_id": message["Message-ID"], "template": template,
                                 "evidence": evidence or {}})
    flush(session)
    audit.record(session, actor, "send", "activity", entry.id, None, audit.snapshot(entry))
    if c.stage == "identified":
        candidates.move_stage(session, actor, c.id, "contacted")
    # Logged first, sent last: if the server refuses, the transaction rolls back and nothing claims it was sent.
    _deliver(message, smtp)
    return activities.timeline(session, actor, c.id, kinds=("email",))[-1]


def _deliver(message: EmailMessage, smtp: SmtpSettings) -> None:
    try:
        with smtplib.SMTP(smtp.host, smtp.port, timeout=30) as server:
            if smtp.starttls:
                server.starttls(context=ssl.create_default_context())
            if smtp.user:
                server.login(smtp.user, smtp.password or "")
            server.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise ConflictError(f"the mail server {smtp.host}:{smtp.port} did not take the message: {exc}") from None
