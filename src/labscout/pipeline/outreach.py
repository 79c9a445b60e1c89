"""Outreach: message templates rendered with the candidate's own work, sent over SMTP only on a human's command.

`compose` renders a draft for a person to read and edit: the candidate's strongest papers (titles as text, with
venue and year), the co-authors they share with our people and the warmest introduction path, addressed to
the candidate's e-mail. `send_email` sends exactly the text it is given. Nothing here sends on its own.

A mail server and a database cannot commit together, so the order is what keeps them honest: the e-mail is
logged as "sending" and committed before SMTP is asked; after, it is marked "sent" (and the first e-mail
moves the candidate to the configured stage) or "failed" with the server's answer. A stop in between leaves
"sending" on the timeline: sent or in flight, never a message that went out unrecorded.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from typing import Any

from jinja2 import TemplateError
from sqlalchemy import select
from sqlalchemy.orm import Session

from labscout.config import SmtpSettings
from labscout.errors import ConflictError, InvalidError, NotFoundError
from labscout.kit.text import plain_title
from labscout.pipeline import activities, audit, candidates, limits, stages
from labscout.pipeline.db import UnitOfWork, flush
from labscout.pipeline.models import Activity, Template, User
from labscout.pipeline.roles import Actor, Perm, require
from labscout.pipeline.templating import BoundedSandbox
from labscout.pipeline.users import normalise_email
from labscout.research import coauthors, queries
from labscout.research import papers as research_papers
from labscout.research.store import ResearchStore
from labscout.talent import network

SAMPLE = {"candidate": {"name": "Ada Lovelace", "first_name": "Ada", "affiliation": "Analytical Engines",
                        "target_role": "researcher"},
          "sender": {"name": "Sam Sender", "email": "sam@example.org"},
          "top_papers": [{"paper_id": "p1", "title": "Notes on the Engine", "venue": "ICLR", "year": 2024}],
          "shared_coauthors": [{"person_id": "x", "name": "Charles Babbage", "joint_papers": 2}],
          "coauthors": [{"person_id": "x", "name": "Charles Babbage", "joint_papers": 2}],
          "intro_path": {"names": ["Sam Sender", "Charles Babbage", "Ada Lovelace"], "introducer": "Charles Babbage",
                         "papers": ["Notes on the Engine (1843)"]}}
# How an e-mail on the timeline stands with the mail server (meta["delivery"]).
SENDING, SENT, FAILED = "sending", "sent", "failed"


@dataclass(frozen=True, slots=True)
class TemplateOut:
    id: int
    name: str
    subject: str
    body: str
    version: int


@dataclass(frozen=True, slots=True)
class Citation:
    """A paper a draft cites, as a reader sees it: plain title, venue, year (and the record behind it)."""

    paper_id: str
    title: str
    venue: str
    year: int
    presentation: str | None


@dataclass(frozen=True, slots=True)
class Draft:
    """A rendered message for a human to review, with what it cites and where sending it moves the candidate.

    `evidence` (ids, kept with the sent message) lists the papers, shared co-authors and introduction path.
    """

    candidate_id: int
    to: str | None
    subject: str
    body: str
    template: str | None
    evidence: dict[str, Any] = field(default_factory=dict)
    papers: list[Citation] = field(default_factory=list)
    shared_coauthors: list[str] = field(default_factory=list)
    intro_path: list[str] = field(default_factory=list)
    moves_to: str | None = None  # the stage a first e-mail moves the candidate to, if any


def _render(text: str, context: dict[str, Any], what: str) -> str:
    """Render a user's template in a sandbox with a time, size and step budget (a new budget per render)."""
    try:
        return BoundedSandbox().render(text, context)
    except TemplateError as exc:
        raise InvalidError(f"template {what}: {exc.message or exc}") from None


def save_template(session: Session, actor: Actor, *, name: str, subject: str, body: str,
                  expected_version: int | None = None) -> TemplateOut:
    """Create or replace a template; it must render against a sample candidate, so typos show now."""
    require(actor, Perm.EDIT_TEMPLATES)
    key = name.strip().lower()
    if not key:
        raise InvalidError("a template needs a name")
    limits.line("name", key, limits.TEMPLATE_NAME)
    limits.line("subject", subject, limits.SUBJECT)
    limits.text("body", body, limits.TEMPLATE_BODY)
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


def candidate_work(store: ResearchStore, person_id: str, our_people: Sequence[str], *, papers: int = 3,
                   ) -> dict[str, Any]:
    """What a letter can cite: the candidate's top accepted papers (plain titles), their frequent co-authors,
    those they share with our people, and the warmest introduction path from one of our people."""
    cited = [Citation(p.paper_id, plain_title(p.title), p.venue, p.year, p.presentation)
             for p in research_papers.top_accepted(store, person_id, top=papers)]
    # A user linked to a person a rebuild has since dropped is left out, not an error.
    ours = [pid for pid in dict.fromkeys(our_people) if pid != person_id and queries.person_exists(store, pid)]
    shared: dict[str, coauthors.SharedCoauthor] = {}
    for pid in ours:
        for c in coauthors.shared_coauthors(store, person_id, pid):
            if c.person_id not in ours:
                shared.setdefault(c.person_id, c)
    path = _intro_path(store, person_id, ours)
    return {"top_papers": cited, "coauthors": coauthors.frequent_coauthors(store, person_id),
            "shared_coauthors": sorted(shared.values(), key=lambda c: (-c.joint_papers, c.name))[:5],
            "intro_path": path}


def _intro_path(store: ResearchStore, person_id: str, ours: Sequence[str]) -> dict[str, Any] | None:
    if not ours:
        return None
    try:
        found = network.find_intro_paths(store, person_id, from_people=ours, paths=1)
    except NotFoundError:  # none of our people is in the research store
        return None
    if not found or len(found[0].people) < 3:
        return None  # no path, or one of us wrote with them: no one to introduce us
    best = found[0]
    return {"names": best.names, "people": best.people, "introducer": best.names[-2],
            "papers": [f"{plain_title(j.title)} ({j.year})" for j in best.edges[-1].papers[:2]]}


def our_people(session: Session) -> list[str]:
    """The research person of each active user who has one: who 'we' are in the co-author network."""
    return [pid for pid in session.scalars(select(User.person_id).where(User.person_id.is_not(None),
                                                                       User.active.is_(True))) if pid]


def compose(session: Session, actor: Actor, candidate_id: int, template: str, *,
            store: ResearchStore | None = None) -> Draft:
    """Render `template` for one candidate, with their work from the research store when they are linked to it."""
    require(actor, Perm.SEND_OUTREACH)
    c = candidates.load(session, candidate_id)
    row = get_template(session, template)
    sender = session.get(User, actor.user_id) if actor.user_id is not None else None
    work: dict[str, Any] = {"top_papers": [], "coauthors": [], "shared_coauthors": [], "intro_path": None}
    if c.person_id and store is not None and queries.person_exists(store, c.person_id):
        # The sender first: their own co-authors and paths make the warmest letter.
        ours = ([sender.person_id] if sender and sender.person_id else []) + our_people(session)
        work = candidate_work(store, c.person_id, ours)
    context = {"candidate": {"name": c.name, "first_name": c.name.split()[0], "affiliation": c.affiliation or "",
                             "target_role": c.target_role, "email": c.email or ""},
               "sender": {"name": actor.name, "email": sender.email if sender else ""}, **work}
    path = work["intro_path"]
    moves = stages.outreach_stage(session) if c.stage == stages.first_stage(session).name else None
    return Draft(c.id, c.email, _render(row.subject, context, f"'{row.name}' subject"),
                 _render(row.body, context, f"'{row.name}' body"), row.name,
                 {"papers": [p.paper_id for p in work["top_papers"]],
                  "shared_coauthors": [p.person_id for p in work["shared_coauthors"]],
                  "intro_path": path["people"] if path else []},
                 work["top_papers"], [p.name for p in work["shared_coauthors"]], path["names"] if path else [],
                 moves if moves != c.stage else None)


def send_email(units: UnitOfWork, actor: Actor, candidate_id: int, *, subject: str, body: str,
               smtp: SmtpSettings, to: str | None = None, template: str | None = None,
               evidence: dict[str, Any] | None = None) -> activities.ActivityOut:
    """Send one message now over SMTP, logged on the timeline as sending, then sent or failed (see above)."""
    require(actor, Perm.SEND_OUTREACH)
    with units() as session:  # (1) logged before anything leaves
        c = candidates.load(session, candidate_id)
        address = (to or c.email or "").strip()
        if not address:
            raise InvalidError(f"candidate {c.id} has no e-mail address; add one to the candidate or give the "
                               "address to send to", field="to")
        try:  # exactly one address: a list ("a@x.org, b@y.org") or a header break would send it elsewhere too
            address = normalise_email(address)
        except InvalidError:
            raise InvalidError(f"to: '{address[:100]}' is not one e-mail address; outreach goes to exactly one "
                               "recipient", field="to") from None
        if not subject.strip():
            raise InvalidError("an e-mail needs a subject", field="subject")
        if not body.strip():
            raise InvalidError("an e-mail needs a text", field="body")
        limits.line("subject", subject, limits.SUBJECT)
        limits.text("body", body, limits.BODY)
        sender = session.get(User, actor.user_id) if actor.user_id is not None else None
        message = EmailMessage()
        message["From"] = formataddr((_display(actor.name), smtp.sender))
        if sender is not None:
            message["Reply-To"] = sender.email
        message["To"] = formataddr((_display(c.name), address))
        message["Subject"] = subject
        message["Message-ID"] = make_msgid(domain=smtp.sender.split("@")[-1] or "labscout")
        message.set_content(body)
        entry = activities.log(session, actor, c.id, "email", subject=subject, body=body, attendees=[address],
                               meta={"direction": "out", "message_id": message["Message-ID"], "template": template,
                                     "evidence": evidence or {}, "delivery": SENDING})
        flush(session)
        audit.record(session, actor, "send", "activity", entry.id, None, audit.snapshot(entry))
        entry_id = entry.id
    try:  # (2) the mail server
        deliver(message, smtp)
    except ConflictError as refused:
        with units() as session:
            _mark(session, actor, entry_id, FAILED, str(refused))
        raise
    with units() as session:  # (3) sent; the first e-mail moves the candidate on
        _mark(session, actor, entry_id, SENT)
        c = candidates.load(session, candidate_id)
        target = stages.outreach_stage(session)
        if target is not None and c.stage == stages.first_stage(session).name and target != c.stage:
            candidates.move_stage(session, actor, c.id, target, reason="first e-mail sent")
        return activities.get_activity(session, actor, entry_id)


def _mark(session: Session, actor: Actor, entry_id: int, delivery: str, error: str | None = None) -> None:
    entry = session.get(Activity, entry_id)
    assert entry is not None
    before = audit.snapshot(entry)
    entry.meta = {**(entry.meta or {}), "delivery": delivery, **({"error": error} if error else {})}
    flush(session)
    audit.record(session, actor, delivery, "activity", entry.id, before, audit.snapshot(entry))


def _display(name: str) -> str:
    """A display name safe in a header (older records may hold a line break)."""
    return " ".join(limits.CONTROL.sub(" ", name).split())


def deliver(message: EmailMessage, smtp: SmtpSettings) -> None:
    """Hand one message to the mail server; ConflictError when it does not take it."""
    try:
        with smtplib.SMTP(smtp.host, smtp.port, timeout=30) as server:
            if smtp.starttls:
                server.starttls(context=ssl.create_default_context())
            if smtp.user:
                server.login(smtp.user, smtp.password or "")
            server.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise ConflictError(f"the mail server {smtp.host}:{smtp.port} did not take the message: {exc}") from None
