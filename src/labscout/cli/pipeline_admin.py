"""Pipeline administration: users, the audit log, personal-data export and erasure, backups, CSV in and out."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import Engine

from labscout.cli.common import JsonOpt, console, dump, errors
from labscout.cli.pipeline import AsOpt, engine_scope, pipeline_app, run, show, table, user_app
from labscout.errors import InvalidError
from labscout.pipeline import audit, backup, csvio, db, privacy, users
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
    show(found, as_json, lambda us: table("Users", ["id", "email", "name", "role", "active"],
                                          [[u.id, u.email, u.name, u.role.value, u.active] for u in us]))


@user_app.command("deactivate")
def user_deactivate(
    email: Annotated[str, typer.Argument(help="The user to deactivate (they can no longer act or sign in).")],
    as_user: AsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Deactivate a user; their past actions stay in the audit log under their name."""
    with errors(as_json):
        found = run(as_user, lambda s, a: users.set_active(s, a, users.get_user_by_email(s, email).id, False))
    show(found, as_json, lambda u: console.print(f"user {u.email} deactivated"))





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
    as_user: AsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Restore a backup in one transaction: all of it, or (on any error) nothing."""
    with errors(as_json), engine_scope() as engine:
        with db.session_scope(engine) as session:
            empty = users.count_users(session) == 0
        # A new, empty database has nobody to act as: restoring into it is the bootstrap, like the first user.
        actor = users.BOOTSTRAP if empty else _acting(engine, as_user)
        counts = backup.restore(engine, actor, src, replace=replace)
    show(counts, as_json, lambda c: console.print(f"restored {sum(c.values())} rows from {src}"))


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

