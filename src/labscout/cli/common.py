"""What every `labscout` command shares: the root app, JSON output, error handling, the research store."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import asdict
from typing import Annotated, Any, TypeVar

import orjson
import typer
from rich.console import Console
from rich.table import Table

from labscout.config import Settings
from labscout.errors import (
    BadInputError,
    ConflictError,
    ForbiddenError,
    InvalidError,
    LabScoutError,
    NotFoundError,
    UnavailableError,
)
from labscout.research import queries
from labscout.research.store import ResearchStore

app = typer.Typer(help="LabScout: find the strongest AI researchers from the research record.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
person_app = typer.Typer(help="People of the research store.", no_args_is_help=True)
org_app = typer.Typer(help="Organisations of the research store.", no_args_is_help=True)
eval_app = typer.Typer(help="Measured quality of LabScout's own results.", no_args_is_help=True)


_SETTINGS: ContextVar[Settings | None] = ContextVar("labscout_settings", default=None)


@app.callback()
def _settings_once() -> None:
    """The one Settings of this command, read from the environment before it runs."""
    _SETTINGS.set(Settings.from_env())


def settings() -> Settings:
    """This command's Settings, built once by the root callback and handed to everything the command calls."""
    found = _SETTINGS.get()
    if found is None:  # a command function called directly, outside the `labscout` app
        found = Settings.from_env()
        _SETTINGS.set(found)
    return found


app.add_typer(person_app, name="person")
app.add_typer(org_app, name="org")
app.add_typer(eval_app, name="eval")

console = Console()
err = Console(stderr=True)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts instead of tables.")]
T = TypeVar("T")


def dump(data: Any) -> None:
    sys.stdout.write(orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS,
                                  default=str).decode() + "\n")


# Error kinds as scripts read them in `{"error": {"kind": ...}}`.
KINDS: list[tuple[type[LabScoutError], str]] = [
    (queries.AmbiguousError, "ambiguous"), (NotFoundError, "not_found"), (ConflictError, "conflict"),
    (ForbiddenError, "forbidden"), (BadInputError, "bad_input"), (InvalidError, "invalid"),
    (UnavailableError, "unavailable")]


def kind_of(exc: LabScoutError) -> str:
    return next((name for cls, name in KINDS if isinstance(exc, cls)), "error")


def flag_for(field: str, flags: Mapping[str, str] | None = None) -> str:
    """How the command line spells a service's field: `top` is `--top`, unless the command says otherwise."""
    if flags and field in flags:
        return flags[field]
    return "--" + field.replace("_", "-")


def error_document(exc: LabScoutError, flags: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The one JSON document a `--json` command prints for an error."""
    body: dict[str, Any] = {"kind": kind_of(exc), "message": str(exc)}
    if exc.field is not None:
        body["field"] = exc.field
        body["option"] = flag_for(exc.field, flags)
    if isinstance(exc, queries.AmbiguousError):
        body["matches"] = [asdict(c) for c in exc.candidates]
    return {"error": body}


def print_matches(exc: queries.AmbiguousError) -> None:
    """The people or organisations a name fits, as a table to choose from by id."""
    shown = exc.candidates[:25]
    if shown and isinstance(shown[0], queries.PersonMatch):
        table = Table("id", "name", "papers", "years", "latest organisation (last seen)")
        for person in shown:
            assert isinstance(person, queries.PersonMatch)
            latest = f"{person.latest_org} ({person.latest_org_year})" if person.latest_org else ""
            table.add_row(person.person_id, person.name, str(person.n_papers),
                          f"{person.first_year}-{person.last_year}", latest)
    else:
        table = Table("id", "name", "kind", "country", "papers")
        for org in shown:
            assert isinstance(org, queries.OrgMatch)
            table.add_row(org.org_id, org.name, (org.kind or "").replace("_", " "), org.country or "",
                          str(org.n_papers))
    err.print(table)
    if len(exc.candidates) > len(shown):
        err.print(f"[dim]... and {len(exc.candidates) - len(shown)} more[/dim]")


@contextmanager
def errors(as_json: bool = False, flags: Mapping[str, str] | None = None) -> Iterator[None]:
    """Turn LabScout errors into a readable message (or one JSON document) and a non-zero exit, never a trace.

    `flags` says how this command spells a field where it is not `--field` (a positional argument, `--from`).
    """
    try:
        yield
    except LabScoutError as exc:
        code = 2 if isinstance(exc, BadInputError | queries.AmbiguousError) else 1
        if as_json:
            dump(error_document(exc, flags))
            raise typer.Exit(code) from None
        where = f"{flag_for(exc.field, flags)}: " if exc.field and not isinstance(exc, BadInputError) else ""
        text = exc.detail if where else str(exc)
        if isinstance(exc, queries.AmbiguousError):
            err.print(f"[yellow]{where}{text}[/yellow]")
            print_matches(exc)
        else:
            err.print(f"[red]error:[/red] {where}{text}")
        raise typer.Exit(code) from None


def with_store(fn: Callable[[ResearchStore], T]) -> T:
    with ResearchStore(settings().research_store) as store:
        return fn(store)
