"""Pipeline administration: users, the audit log, personal-data export and erasure, backups, CSV in and out."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from labscout.cli.common import JsonOpt, console, dump, errors
from labscout.cli.pipeline import AsOpt, engine_scope, pipeline_app, run, show, table, user_app
from labscout.errors import InvalidError
from labscout.pipeline import audit, backup, csvio, db, privacy, sessions, users
from labscout.pipeline.roles import Actor


def _acting(engine: Engine, as_user: str | None) -> Actor:
    if not as_user:
        raise InvalidError("say who is acting: --as EMAIL or LABSCOUT_USER=EMAIL")
    with db.session_scope(engine) as session:
        return users.actor_for_email(session, as_user)


@user_app.command("add")
def user_add(
    email: Annotated[str, typer.Argument(help="The user's e-mail address (their sign-in name).")],
    name: Annotated[str, typer.Option("--name", help="Full name.")],
    role: Annotated[str, typer.Option("--role", help="executive, hr, recruiter or viewer.")],
    password: Annotated[str | None, typer.Option("--password", help="Password (asked for when left out).")] = None,
    person: Annotated[str | None, typer.Option("--person", help="Their person id in the research store.")] = None,
    as_user: AsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Add a user; the first user of a new database needs no --as (make them an executive)."""
    if password is None:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    with errors(as_json), engine_scope() as engine, db.session_scope(engine) as session:
        actor = users.actor_for_email(session, as_user) if as_user else None
        created = users.create_user(session, email=email, name=name, role=role, password=password,
                                    actor=actor, person_id=person)
    show(created, as_json, lambda u: console.print(f"user {u.id} {u.email} ({u.role.value}) added"))


@user_app.command("list")
def user_list(as_user: AsOpt = None, as_json: JsonOpt = False) -> None:
    """The users and their roles."""
    with errors(as_json):
        found = run(as_user, users.list_users)
    show(found, as_json, lambda us: table("Users", ["id", "email", "name", "role", "active", "password"],
                                          [[u.id, u.email, u.name, u.role.value, u.active,
                                            "set" if u.has_password else "none: set one"] for u in us]))


EmailArg = Annotated[str, typer.Argument(help="The user's e-mail address.")]


def _set_active(email: str, active: bool, as_user: str | None, as_json: bool) -> None:
    with errors(as_json):
        found = run(as_user, lambda s, a: users.set_active(s, a, users.get_user_by_email(s, email).id, active))
    show(found, as_json, lambda u: console.print(f"user {u.email} {'reactivated' if active else 'deactivated'}"))


@user_app.command("deactivate")
def user_deactivate(email: EmailArg, as_user: AsOpt = None, as_json: JsonOpt = False) -> None:
    """Deactivate a user: they can no longer sign in or act, and their sessions end now; the audit keeps their name."""
    _set_active(email, False, as_user, as_json)


@user_app.command("reactivate")
def user_reactivate(email: EmailArg, as_user: AsOpt = None, as_json: JsonOpt = False) -> None:
    """Let a deactivated user sign in and act again (an executive account: by an executive only)."""
    _set_active(email, True, as_user, as_json)


@user_app.command("role")
def user_role(
    email: EmailArg,
    role: Annotated[str, typer.Argument(help="executive, hr, recruiter or viewer.")],
    as_user: AsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Give a user another role; their sessions end, so the change holds at once."""
    with errors(as_json):
        found = run(as_user, lambda s, a: users.set_role(s, a, users.get_user_by_email(s, email).id, role))
    show(found, as_json, lambda u: console.print(f"user {u.email} is now {u.role.value}"))


@user_app.command("password")
def user_password(
    email: EmailArg,
    password: Annotated[str | None, typer.Option("--password", help="The new password (asked for when left out).")]
    = None,
    as_user: AsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Set a password: your own, or (as HR or executive) a teammate's, e.g. after a restore into a new database."""
    if password is None:
        password = typer.prompt("New password", hide_input=True, confirmation_prompt=True)
    with errors(as_json):
        found = run(as_user, lambda s, a: users.set_password(s, a, users.get_user_by_email(s, email).id, password))
    show(found, as_json, lambda u: console.print(f"password of {u.email} set; their sessions ended"))


@user_app.command("sessions")
def user_sessions(
    email: Annotated[str | None, typer.Argument(help="Only this user's sessions (default: all you may see).")]
    = None,
    end: Annotated[int | None, typer.Option("--end", help="End the session with this id.")] = None,
    end_all: Annotated[bool, typer.Option("--end-all", help="End every session of EMAIL.")] = False,
    include_ended: Annotated[bool, typer.Option("--all", help="Also sessions that have ended.")] = False,
    as_user: AsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Sign-in sessions with when they started, were last used and end; --end / --end-all sign them out."""
    with errors(as_json):
        if end_all and email is None:
            raise InvalidError("--end-all needs the user's e-mail")

        def act(s: Session, a: Actor) -> list[sessions.SessionOut]:
            if end is not None:
                sessions.end_sessions(s, a, session_id=end)
            elif end_all:
                sessions.end_sessions(s, a, email=email)
            return sessions.list_sessions(s, a, email=email, include_ended=include_ended)
        found = run(as_user, act)
    show(found, as_json, lambda rows: table("Sessions", ["id", "user", "started", "last seen", "ends", "client",
                                                         "ended"], [
        [r.id, r.email, f"{r.created_at:%Y-%m-%d %H:%M}", f"{r.last_seen_at:%Y-%m-%d %H:%M}",
         f"{r.expires_at:%Y-%m-%d %H:%M}", r.client,
         f"{r.ended_at:%Y-%m-%d %H:%M} ({r.ended_why})" if r.ended_at else ""] for r in rows]))


@pipeline_app.command("audit")
def pipeline_audit(
    entity: Annotated[str | None, typer.Option(help="Only this kind of record: candidate, offer, deal, user...")]
    = None,
    entity_id: Annotated[str | None, typer.Option("--id", help="Only this record's id.")] = None,
    limit: Annotated[int, typer.Option(help="How many entries.")] = 50,
    as_user: AsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The audit log, newest first: who changed what when, with the record before and after."""
    with errors(as_json):
        found = run(as_user, lambda s, a: audit.list_entries(s, a, entity=entity, entity_id=entity_id, limit=limit))
    show(found, as_json, lambda es: table("Audit log", ["when", "who", "action", "record", "changed"], [
        [f"{e.at:%Y-%m-%d %H:%M:%S}", e.actor_name, e.action, f"{e.entity} {e.entity_id}", ", ".join(e.changed)]
        for e in es]))


PersonArg = Annotated[str, typer.Argument(help="The candidate: id, e-mail address or research person id.")]


@pipeline_app.command("export-person")
def pipeline_export_person(
    who: PersonArg,
    out: Annotated[Path | None, typer.Option(help="Write the JSON here (default: print it).")] = None,
    as_user: AsOpt = None,
) -> None:
    """Everything held about one person, as JSON (for a data-access request)."""
    import orjson

    with errors(as_json=out is None):  # printed as JSON: so is an error
        found = run(as_user, lambda s, a: privacy.export_person(s, a, privacy.resolve_candidate(s, a, who)))
    if out is None:
        dump(found)
        return
    out.write_bytes(orjson.dumps(found, option=orjson.OPT_INDENT_2))
    console.print(f"wrote {out}")


@pipeline_app.command("erase")
def pipeline_erase(
    who: PersonArg,
    reason: Annotated[str, typer.Option(help="Why (e.g. 'erasure request of 2026-11-23').")],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    as_user: AsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Erase a person's data for good; the audit log keeps only that an erasure happened."""
    if not yes:
        typer.confirm(f"Erase everything about candidate {who}? This cannot be undone", abort=True)
    with errors(as_json):
        found = run(as_user, lambda s, a: privacy.erase_person(s, a, privacy.resolve_candidate(s, a, who), reason))
    show(found, as_json, lambda f: console.print(
        f"candidate {f['candidate_id']} erased: {f['timeline_entries']} timeline entries removed, "
        f"{f['audit_entries_scrubbed']} audit entries emptied"))


@pipeline_app.command("backup")
def pipeline_backup(
    dest: Annotated[Path, typer.Argument(help="The backup file to write (JSON).")],
    as_user: AsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Write the whole pipeline database to one file (it holds personal data: keep it safe)."""
    with errors(as_json), engine_scope() as engine:
        counts = backup.backup(engine, _acting(engine, as_user), dest)
    show(counts, as_json, lambda c: console.print(f"backed up {sum(c.values())} rows to {dest}"))


@pipeline_app.command("restore")
def pipeline_restore(
    src: Annotated[Path, typer.Argument(help="A file written by `labscout pipeline backup`.")],
    replace: Annotated[bool, typer.Option("--replace", help="Overwrite a database that holds data.")] = False,
    confirm_users: Annotated[bool, typer.Option(
        "--confirm-users", help="Restore even though the backup changes users or roles (you checked the list).")]
    = False,
    as_user: AsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Restore a backup in one transaction (executive only): all of it, or (on any error) nothing.

    The audit log is never replaced: entries it lacks are added and a restore entry says what changed. A backup
    holds no passwords: users new to this database get one with `labscout user password`.
    """
    with errors(as_json), engine_scope() as engine:
        with db.session_scope(engine) as session:
            empty = users.count_users(session) == 0
        # A new, empty database has nobody to act as: restoring into it is the bootstrap, like the first user.
        actor = users.BOOTSTRAP if empty else _acting(engine, as_user)
        counts = backup.restore(engine, actor, src, replace=replace, confirm_users=confirm_users)
    show(counts, as_json, lambda c: console.print(f"restored {sum(c.values())} rows from {src}; every session "
                                                  "ended (sign in again)"))


@pipeline_app.command("import")
def pipeline_import(
    path: Annotated[Path, typer.Argument(help="CSV file with a header row (name and target_role required).")],
    as_user: AsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Add candidates from a CSV file; a bad row stops the import and nothing is written."""
    with errors(as_json):
        ids = run(as_user, lambda s, a: csvio.import_candidates(s, a, path))
    show({"imported": len(ids), "ids": ids}, as_json, lambda r: console.print(f"imported {r['imported']} candidates"))


@pipeline_app.command("export")
def pipeline_export(
    out: Annotated[Path | None, typer.Option(help="Write the CSV here (default: print it).")] = None,
    as_user: AsOpt = None,
) -> None:
    """All candidates as CSV (re-importable with `labscout pipeline import`)."""
    with errors():
        if out is None:
            run(as_user, lambda s, a: csvio.export_candidates(s, a, sys.stdout))
            return
        with out.open("w", encoding="utf-8", newline="") as handle:
            count = run(as_user, lambda s, a: csvio.export_candidates(s, a, handle))
    console.print(f"wrote {count} candidates to {out}")

