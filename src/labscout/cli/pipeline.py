"""Recruiting-pipeline commands: users, candidates, outreach, offers, plan, deals, audit, privacy, backups.

The CLI trusts the local machine: it acts as the user named by `--as EMAIL` (or LABSCOUT_USER) without a
password, the way a database administrator would; the web app signs users in with their password.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, is_dataclass
from typing import Annotated, Any, TypeVar

import typer
from rich.table import Table
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from labscout.cli.common import JsonOpt, app, console, dump, err, errors
from labscout.config import Settings
from labscout.errors import InvalidError
from labscout.pipeline import db, users
from labscout.pipeline.roles import Actor

pipeline_app = typer.Typer(help="The recruiting pipeline: candidates, stages, timeline, outreach.",
                           no_args_is_help=True)
user_app = typer.Typer(help="Users of the pipeline and their roles.", no_args_is_help=True)
app.add_typer(pipeline_app, name="pipeline")
app.add_typer(user_app, name="user")

AsOpt = Annotated[str | None, typer.Option("--as", envvar="LABSCOUT_USER",
                                           help="Act as this user (e-mail); or set LABSCOUT_USER.")]
T = TypeVar("T")


def open_engine() -> Engine:
    """The pipeline database from Settings, brought to the newest schema."""
    engine = db.make_engine(Settings.from_env().pipeline_url)
    db.upgrade(engine)
    return engine


@contextmanager
def unit_of_work(as_user: str | None) -> Iterator[tuple[Session, Actor]]:
    """One transaction acting as `as_user`: committed when the command succeeds, rolled back otherwise."""
    if not as_user:
        raise InvalidError("say who is acting: --as EMAIL or LABSCOUT_USER=EMAIL")
    engine = open_engine()
    try:
        with db.session_scope(engine) as session:
            yield session, users.actor_for_email(session, as_user)
    finally:
        engine.dispose()


def run(as_user: str | None, fn: Callable[[Session, Actor], T]) -> T:
    with unit_of_work(as_user) as (session, actor):
        return fn(session, actor)


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
    with errors():
        engine = open_engine()
        revision = db.current_revision(engine)
        engine.dispose()
    show({"url": _safe_url(Settings.from_env().pipeline_url), "revision": revision}, as_json,
         lambda v: console.print(f"pipeline database {v['url']} at schema {v['revision']}"))


def _safe_url(url: str) -> str:
    """The URL without its password, for printing."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        credentials, host = rest.rsplit("@", 1)
        return f"{scheme}://{credentials.split(':', 1)[0]}@{host}"
    return url


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
    with errors():
        engine = open_engine()
        try:
            with db.session_scope(engine) as session:
                actor = users.actor_for_email(session, as_user) if as_user else None
                created = users.create_user(session, email=email, name=name, role=role, password=password,
                                            actor=actor, person_id=person)
        finally:
            engine.dispose()
    show(created, as_json, lambda u: console.print(f"user {u.id} {u.email} ({u.role.value}) added"))


@user_app.command("list")
def user_list(as_user: AsOpt = None, as_json: JsonOpt = False) -> None:
    """The users and their roles."""
    with errors():
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
    with errors():
        found = run(as_user, lambda s, a: users.set_active(s, a, users.get_user_by_email(s, email).id, False))
    show(found, as_json, lambda u: console.print(f"user {u.email} deactivated"))


__all__ = ["AsOpt", "err", "pipeline_app", "plain", "run", "show", "table", "user_app"]
