"""Recruiting-pipeline commands: users, candidates, outreach, offers, plan, deals, audit, privacy, backups.

The CLI trusts the local machine: it acts as the user named by `--as EMAIL` (or LABSCOUT_USER) without a
password, the way a database administrator would; the web app signs users in with their password.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.table import Table
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from labscout.cli.common import JsonOpt, app, console, dump, errors, settings
from labscout.errors import InvalidError, NotFoundError
from labscout.pipeline import activities, candidates, db, outreach, stages, users
from labscout.pipeline.candidates import CandidateIn
from labscout.pipeline.roles import Actor
from labscout.research.store import ResearchStore
from labscout.talent import index, search, views

pipeline_app = typer.Typer(help="The recruiting pipeline: candidates, stages, timeline, outreach.",
                           no_args_is_help=True)
user_app = typer.Typer(help="Users of the pipeline and their roles.", no_args_is_help=True)
offer_app = typer.Typer(help="Offers: draft, approve, send, accept or decline.", no_args_is_help=True)
plan_app = typer.Typer(help="The hiring plan and its budget.", no_args_is_help=True)
deal_app = typer.Typer(help="Deals with start-ups and the key people they bring.", no_args_is_help=True)
app.add_typer(pipeline_app, name="pipeline")
app.add_typer(user_app, name="user")
app.add_typer(offer_app, name="offer")
app.add_typer(plan_app, name="plan")
app.add_typer(deal_app, name="deal")

AsOpt = Annotated[str | None, typer.Option("--as", envvar="LABSCOUT_USER",
                                           help="Act as this user (e-mail); or set LABSCOUT_USER.")]
T = TypeVar("T")


def open_engine() -> Engine:
    """The pipeline database from Settings; Alembic runs only when its schema is behind (a new database)."""
    engine = db.make_engine(settings().pipeline_url)
    try:
        db.upgrade_if_behind(engine)
    except BaseException:
        engine.dispose()
        raise
    return engine


@contextmanager
def engine_scope() -> Iterator[Engine]:
    engine = open_engine()
    try:
        yield engine
    finally:
        engine.dispose()


@contextmanager
def unit_of_work(as_user: str | None) -> Iterator[tuple[Session, Actor]]:
    """One transaction acting as `as_user`: committed when the command succeeds, rolled back otherwise."""
    if not as_user:
        raise InvalidError("say who is acting: --as EMAIL or LABSCOUT_USER=EMAIL")
    with engine_scope() as engine, db.session_scope(engine) as session:
        yield session, users.actor_for_email(session, as_user)


def run(as_user: str | None, fn: Callable[[Session, Actor], T]) -> T:
    with unit_of_work(as_user) as (session, actor):
        return fn(session, actor)


def run_flow(as_user: str | None, fn: Callable[[db.UnitOfWork, Actor], T]) -> T:
    """Run a flow that commits in steps of its own (a change to both stores) acting as `as_user`."""
    if not as_user:
        raise InvalidError("say who is acting: --as EMAIL or LABSCOUT_USER=EMAIL")
    with engine_scope() as engine:
        with db.session_scope(engine) as session:
            actor = users.actor_for_email(session, as_user)
        return fn(db.units_of(engine), actor)


def parse_date(value: str | None, field: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidError(f"{field}: '{value}' is not a date (YYYY-MM-DD)") from None


def parse_when(value: str | None, field: str) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise InvalidError(f"{field}: '{value}' is not a date and time (YYYY-MM-DD or YYYY-MM-DDTHH:MM)") from None


def plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def show(value: Any, as_json: bool, render: Callable[[Any], None]) -> None:
    if as_json:
        dump(plain(value))
    else:
        render(value)


def table(title: str, columns: list[str], rows: list[list[Any]]) -> None:
    out = Table(title=title)
    for column in columns:
        out.add_column(column)
    for row in rows:
        out.add_row(*["" if v is None else str(v) for v in row])
    console.print(out)


@pipeline_app.command("upgrade")
def pipeline_upgrade(as_json: JsonOpt = False) -> None:
    """Create the pipeline database or bring its schema to the newest version (Alembic)."""
    with errors(as_json), engine_scope() as engine:
        db.upgrade(engine)  # asked for: run it even when the version looks current
        revision = db.current_revision(engine)
    show({"url": _safe_url(settings().pipeline_url), "revision": revision}, as_json,
         lambda v: console.print(f"pipeline database {v['url']} at schema {v['revision']}"))


def _safe_url(url: str) -> str:
    """The URL without its password, for printing."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        credentials, host = rest.rsplit("@", 1)
        return f"{scheme}://{credentials.split(':', 1)[0]}@{host}"
    return url


IdArg = Annotated[int, typer.Argument(help="The candidate's id (see `labscout pipeline list`).")]
# How the candidate commands spell the service's fields where it is not --field.
CANDIDATE_FLAGS = {"person_id": "--person", "owner_email": "--owner", "target_role": "--role", "name": "NAME",
                   "candidate_id": "CANDIDATE_ID"}
VersionOpt = Annotated[int | None, typer.Option("--version", help="The version you read; refused if it changed.")]


def _research_store() -> ResearchStore | None:
    path = settings().research_store
    return ResearchStore(path) if path.exists() else None


def print_candidates(found: list[candidates.CandidateOut]) -> None:
    table("Candidates", ["id", "name", "role", "stage", "since", "owner", "prio", "tags", "source"],
          [[c.id, c.name, c.target_role, c.stage, f"{c.stage_changed_at:%Y-%m-%d}", c.owner_name, c.priority,
            ", ".join(c.tags), c.source] for c in found])


@pipeline_app.command("add")
def pipeline_add(
    name: Annotated[str | None, typer.Argument(help="Name, for a candidate entered by hand.")] = None,
    person: Annotated[str | None, typer.Option("--person", help="A research-store person: id, name or "
                                               "OpenReview id (name and organisation come from the store).")] = None,
    role: Annotated[str, typer.Option("--role", help="Target role, e.g. researcher, head of research.")]
    = "researcher",
    email: Annotated[str | None, typer.Option(help="E-mail address.")] = None,
    affiliation: Annotated[str | None, typer.Option(help="Current organisation.")] = None,
    owner: Annotated[str | None, typer.Option(help="Owner's e-mail (default: you).")] = None,
    priority: Annotated[int, typer.Option(help="1 (highest) to 5.")] = 3,
    tag: Annotated[list[str] | None, typer.Option("--tag", help="A tag (repeatable).")] = None,
    source: Annotated[str | None, typer.Option(help="search, referral, deal, manual, import or event "
                                               "(default: search with --person, else manual).")] = None,
    source_detail: Annotated[str | None, typer.Option(help="E.g. the search query or who referred them.")] = None,
    stage: Annotated[str | None, typer.Option(help="Start at this stage (default: the first).")] = None,
    from_search: Annotated[str | None, typer.Option("--from-search", help="Take the person from this expert "
                                                    "search (as `labscout find QUERY`).")] = None,
    pick: Annotated[int, typer.Option(help="With --from-search: which result, 1 = the first.")] = 1,
    as_user: AsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Add a candidate: from a search result (--from-search), a research person (--person) or by hand (NAME)."""
    with errors(as_json, CANDIDATE_FLAGS):
        if from_search:
            hit = _search_hit(from_search, pick)
            person = hit.person_id
            source_detail = source_detail or (f"find '{from_search}' result {hit.rank}, score {hit.score:.3f}, "
                                              f"{hit.papers_on_topic} papers on topic")
        data = CandidateIn(name=name, target_role=role, email=email, affiliation=affiliation, owner_email=owner,
                           priority=priority, tags=tag or [], source=source or ("search" if person else "manual"),
                           source_detail=source_detail)
        if person:
            store = _research_store()
            if store is None:
                raise InvalidError("no research store to look the person up in; run `labscout ingest` first")
            with store:
                created = run(as_user, lambda s, a: candidates.add_from_person(s, a, store, person, data,
                                                                               stage=stage))
        elif not name:
            raise InvalidError("give a NAME, or --person to take one from the research store")
        else:
            created = run(as_user, lambda s, a: candidates.create_candidate(s, a, data, stage=stage))
    show(created, as_json, lambda c: console.print(f"candidate {c.id} {c.name} added at stage '{c.stage}'"))


def _search_hit(query: str, pick: int) -> search.ExpertHit:
    if pick < 1:
        raise InvalidError("--pick counts from 1")
    store = _research_store()
    if store is None:
        raise InvalidError("no research store to search; run `labscout ingest` first")
    if pick > views.MAX_RESULTS:
        raise InvalidError(f"--pick: results are ranked 1 to {views.MAX_RESULTS}, not {pick}")
    with store:  # what `labscout find QUERY` lists: the same use case, one result from rank `pick` on
        found = views.search_view(store, index.open_index(store), query, offset=pick - 1, limit=1)
    if not found.experts:
        raise NotFoundError(f"the search '{query}' has fewer than {pick} result(s)")
    return found.experts[0]


@pipeline_app.command("list")
def pipeline_list(
    stage: Annotated[str | None, typer.Option(help="Only this stage.")] = None,
    role: Annotated[str | None, typer.Option(help="Only this target role.")] = None,
    owner: Annotated[str | None, typer.Option(help="Only this owner (e-mail).")] = None,
    tag: Annotated[str | None, typer.Option(help="Only candidates with this tag.")] = None,
    source: Annotated[str | None, typer.Option(help="Only this source.")] = None,
    text: Annotated[str | None, typer.Option("--text", help="Name or affiliation contains this.")] = None,
    as_user: AsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Candidates, filtered; highest priority first."""
    with errors(as_json):
        found = run(as_user, lambda s, a: candidates.list_candidates(s, a, stage=stage, role=role, owner_email=owner,
                                                                     tag=tag, source=source, text=text))
    show(found, as_json, print_candidates)


@pipeline_app.command("show")
def pipeline_show(candidate_id: IdArg, as_user: AsOpt = None, as_json: JsonOpt = False) -> None:
    """One candidate with stage history and timeline."""
    with errors(as_json):
        def read(s: Session, a: Actor) -> dict[str, Any]:
            return {"candidate": candidates.get_candidate(s, a, candidate_id),
                    "transitions": candidates.transitions(s, a, candidate_id),
                    "timeline": activities.timeline(s, a, candidate_id)}
        found = run(as_user, read)
    if as_json:
        dump({k: plain(v) for k, v in found.items()})
        return
    c = found["candidate"]
    console.print(f"[bold]{c.name}[/bold] (candidate {c.id}, version {c.version}) - {c.target_role}, "
                  f"stage '{c.stage}' since {c.stage_changed_at:%Y-%m-%d %H:%M}")
    console.print(f"owner {c.owner_name}, priority {c.priority}, source {c.source}"
                  + (f" ({c.source_detail})" if c.source_detail else "")
                  + (f", research person {c.person_id}" if c.person_id else ""))
    print_timeline(found["timeline"])


def print_timeline(entries: list[activities.ActivityOut]) -> None:
    table("Timeline", ["when", "kind", "by", "what", "place / with"],
          [[f"{e.occurred_at:%Y-%m-%d %H:%M}", e.kind, e.actor_name,
            ": ".join(x for x in (e.subject, e.body[:80] if e.body and e.kind != "email" else None) if x),
            ", ".join(x for x in [e.place or "", *e.attendees] if x)] for e in entries])


@pipeline_app.command("update")
def pipeline_update(
    candidate_id: IdArg,
    name: Annotated[str | None, typer.Option(help="New name.")] = None,
    role: Annotated[str | None, typer.Option("--role", help="New target role.")] = None,
    email: Annotated[str | None, typer.Option(help="New e-mail ('' to clear).")] = None,
    affiliation: Annotated[str | None, typer.Option(help="New affiliation.")] = None,
    owner: Annotated[str | None, typer.Option(help="New owner (e-mail).")] = None,
    priority: Annotated[int | None, typer.Option(help="1 (highest) to 5.")] = None,
    tag: Annotated[list[str] | None, typer.Option("--tag", help="Replace the tags (repeatable).")] = None,
    notes: Annotated[str | None, typer.Option(help="Replace the notes.")] = None,
    version: VersionOpt = None,
    as_user: AsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Change a candidate's fields; with --version, a change made meanwhile by someone else is refused."""
    with errors(as_json, CANDIDATE_FLAGS):
        changes = CandidateIn(name=name, target_role=role, email=email, affiliation=affiliation, owner_email=owner,
                              priority=priority, tags=tag, notes=notes)
        found = run(as_user, lambda s, a: candidates.update_candidate(s, a, candidate_id, changes,
                                                                      expected_version=version))
    show(found, as_json, lambda c: console.print(f"candidate {c.id} updated (version {c.version})"))


@pipeline_app.command("move")
def pipeline_move(
    candidate_id: IdArg,
    stage: Annotated[str, typer.Argument(help="The new stage (see `labscout pipeline stages`).")],
    reason: Annotated[str | None, typer.Option(help="Why (needed for declined / withdrawn).")] = None,
    version: VersionOpt = None,
    as_user: AsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Move a candidate to another stage; the time of the move is recorded."""
    with errors(as_json):
        found = run(as_user, lambda s, a: candidates.move_stage(s, a, candidate_id, stage, expected_version=version,
                                                                reason=reason))
    show(found, as_json, lambda c: console.print(f"candidate {c.id} is now at '{c.stage}'"))


@pipeline_app.command("stages")
def pipeline_stages(
    add: Annotated[str | None, typer.Option("--add", help="Add a stage with this name.")] = None,
    after: Annotated[str | None, typer.Option(help="Put the new stage after this one.")] = None,
    outcome: Annotated[str, typer.Option(help="open, won or lost (for --add).")] = "open",
    remove: Annotated[str | None, typer.Option("--remove", help="Remove this (unused) stage.")] = None,
    outreach: Annotated[str | None, typer.Option(
        "--outreach", help="The stage a first e-mail moves a candidate to ('none': no move).")] = None,
    as_user: AsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The stages in order, and where a first e-mail moves a candidate; --add, --remove, --outreach configure them."""
    with errors(as_json, {"outreach_stage": "--outreach", "name": "--add"}):
        def act(s: Session, a: Actor) -> dict[str, Any]:
            if add:
                stages.add_stage(s, a, add, after=after, outcome=outcome)
            if remove:
                stages.remove_stage(s, a, remove)
            if outreach is not None:
                stages.set_outreach_stage(s, a, outreach)
            return {"stages": stages.list_stages(s), "outreach_stage": stages.outreach_stage(s)}
        found = run(as_user, act)
    if as_json:
        dump({"stages": plain(found["stages"]), "outreach_stage": found["outreach_stage"]})
        return
    table("Stages", ["stage", "outcome", ""], [[x.name, x.outcome, "a first e-mail moves here"
                                                if x.name == found["outreach_stage"] else ""]
                                               for x in found["stages"]])


@pipeline_app.command("log")
def pipeline_log(
    candidate_id: IdArg,
    kind: Annotated[str, typer.Argument(help="email, call, meeting or note.")],
    subject: Annotated[str | None, typer.Option(help="Subject or one-line summary.")] = None,
    text: Annotated[str | None, typer.Option("--text", help="The note, or what was said.")] = None,
    place: Annotated[str | None, typer.Option(help="Where (meetings, e.g. a dinner).")] = None,
    with_: Annotated[list[str] | None, typer.Option("--with", help="Who attended (repeatable).")] = None,
    when: Annotated[str | None, typer.Option(help="When it happened (YYYY-MM-DD[THH:MM], default now).")] = None,
    as_user: AsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Record an e-mail, call, meeting (with place and attendees) or note on a candidate's timeline."""
    with errors(as_json):
        at = parse_when(when, "when")
        found = run(as_user, lambda s, a: activities.log_activity(s, a, candidate_id, kind, subject=subject,
                                                                  body=text, place=place, attendees=with_,
                                                                  occurred_at=at))
    show(found, as_json, lambda e: console.print(f"{e.kind} logged on candidate {e.candidate_id}'s timeline"))


@pipeline_app.command("comment")
def pipeline_comment(
    candidate_id: IdArg,
    text: Annotated[str, typer.Argument(help="The comment; @email or @first.last mentions a user.")],
    as_user: AsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Add to a candidate's discussion; mentioned users find it with `labscout pipeline mentions`."""
    with errors(as_json):
        found = run(as_user, lambda s, a: activities.comment(s, a, candidate_id, text))
    show(found, as_json, lambda e: console.print(
        "comment added" + (f", mentioning {', '.join(e.mentions)}" if e.mentions else "")))


@pipeline_app.command("timeline")
def pipeline_timeline(candidate_id: IdArg, as_user: AsOpt = None, as_json: JsonOpt = False) -> None:
    """Everything that happened with one candidate, oldest first."""
    with errors(as_json):
        found = run(as_user, lambda s, a: activities.timeline(s, a, candidate_id))
    show(found, as_json, print_timeline)


@pipeline_app.command("feed")
def pipeline_feed(
    limit: Annotated[int, typer.Option(help="How many entries.")] = 30,
    as_user: AsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The team feed: the newest changes across all candidates."""
    with errors(as_json):
        found = run(as_user, lambda s, a: activities.feed(s, a, limit=limit))
    show(found, as_json, lambda es: table("Team feed", ["when", "candidate", "kind", "by", "what"], [
        [f"{e.occurred_at:%Y-%m-%d %H:%M}", e.candidate_name, e.kind, e.actor_name, e.subject or (e.body or "")[:80]]
        for e in es]))


@pipeline_app.command("mentions")
def pipeline_mentions(
    all_: Annotated[bool, typer.Option("--all", help="Also those already seen.")] = False,
    as_user: AsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Comments that mention you; listing them marks them seen."""
    with errors(as_json):
        found = run(as_user, lambda s, a: activities.my_mentions(s, a, unseen_only=not all_, mark_seen=True))
    show(found, as_json, lambda es: table("Mentions", ["when", "candidate", "by", "comment"], [
        [f"{e.occurred_at:%Y-%m-%d %H:%M}", e.candidate_name, e.actor_name, e.body] for e in es]))


@pipeline_app.command("email")
def pipeline_email(
    candidate_id: IdArg,
    template: Annotated[str, typer.Option(help="The template to render (see `labscout pipeline templates`).")]
    = "intro",
    subject: Annotated[str | None, typer.Option(help="Use this subject instead of the template's.")] = None,
    body_file: Annotated[Path | None, typer.Option(help="Send this reviewed text instead of the template's.")]
    = None,
    to: Annotated[str | None, typer.Option(help="Send to this address instead of the candidate's.")] = None,
    send: Annotated[bool, typer.Option("--send", help="Really send it now (without: only show the draft).")]
    = False,
    as_user: AsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Render an outreach e-mail with the candidate's own work; it is sent only with --send, then logged."""
    smtp = settings().smtp
    with errors(as_json, {"candidate_id": "CANDIDATE_ID", "body": "--body-file"}):
        store = _research_store()
        try:
            draft = run(as_user, lambda s, a: outreach.compose(s, a, candidate_id, template, store=store))
        finally:
            if store is not None:
                store.close()
        text = body_file.read_text(encoding="utf-8") if body_file else draft.body
        found: dict[str, Any] = {"to": to or draft.to, "subject": subject or draft.subject, "body": text,
                                 "evidence": draft.evidence, "papers": plain(draft.papers),
                                 "intro_path": draft.intro_path, "moves_to": draft.moves_to, "sent": False}
        if send:
            entry = run_flow(as_user, lambda units, a: outreach.send_email(
                units, a, candidate_id, subject=found["subject"], body=text, smtp=smtp, to=to,
                template=draft.template, evidence=draft.evidence))
            found.update(sent=True, message_id=entry.meta.get("message_id"))
    if as_json:
        dump(found)
        return
    console.print(f"To: {found['to'] or '(no address: add one to the candidate, or give --to)'}\n"
                  f"Subject: {found['subject']}\n\n{found['body']}")
    for paper in draft.papers:
        console.print(f"[dim]cites: {paper.title} ({paper.venue} {paper.year})[/dim]")
    if found["sent"]:
        console.print(f"[green]sent[/green] and logged on the timeline ({found['message_id']})")
    else:
        then = f"; sending moves the candidate to '{draft.moves_to}'" if draft.moves_to else ""
        console.print(f"[yellow]not sent[/yellow]: review the text, then run again with --send{then}")


@pipeline_app.command("templates")
def pipeline_templates(
    save: Annotated[str | None, typer.Option("--save", help="Create or replace the template of this name.")]
    = None,
    subject: Annotated[str | None, typer.Option(help="Subject (Jinja2), for --save.")] = None,
    body_file: Annotated[Path | None, typer.Option(help="File with the body (Jinja2), for --save.")] = None,
    as_user: AsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Outreach templates; variables: candidate, sender, top_papers, shared_coauthors, coauthors, intro_path."""
    with errors(as_json):
        def act(s: Session, a: Actor) -> list[outreach.TemplateOut]:
            if save:
                if not subject or body_file is None:
                    raise InvalidError("--save needs --subject and --body-file")
                outreach.save_template(s, a, name=save, subject=subject, body=body_file.read_text(encoding="utf-8"))
            return outreach.list_templates(s, a)
        found = run(as_user, act)
    show(found, as_json, lambda ts: table("Templates", ["name", "subject", "version"],
                                          [[t.name, t.subject, t.version] for t in ts]))


@pipeline_app.command("relink")
def pipeline_relink(
    old: Annotated[str, typer.Argument(help="The research person id the candidates point to.")],
    new: Annotated[list[str], typer.Argument(help="The person id(s) it became after an identity correction.")],
    reason: Annotated[str, typer.Option(help="Why (e.g. 'two people merged by mistake').")],
    as_user: AsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Re-point candidates after the research store split or merged a person; noted on their timelines."""
    with errors(as_json):
        found = run(as_user, lambda s, a: candidates.relink_person(s, a, old, new, reason))
    show(found, as_json, print_candidates)
