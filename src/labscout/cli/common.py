"""What every `labscout` command shares: the root app, JSON output, error handling, the research store."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any, TypeVar

import orjson
import typer
from rich.console import Console
from rich.table import Table

from labscout.config import Settings
from labscout.errors import BadInputError, LabScoutError
from labscout.research import queries
from labscout.research.store import ResearchStore

app = typer.Typer(help="LabScout: find the strongest AI researchers from the research record.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
person_app = typer.Typer(help="People of the research store.", no_args_is_help=True)
org_app = typer.Typer(help="Organisations of the research store.", no_args_is_help=True)
eval_app = typer.Typer(help="Measured quality of LabScout's own results.", no_args_is_help=True)
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


@contextmanager
def errors() -> Iterator[None]:
    """Turn LabScout errors into a readable message and a non-zero exit, never a stack trace."""
    try:
        yield
    except queries.AmbiguousError as exc:
        err.print(f"[yellow]{exc}[/yellow]")
        table = Table("id", "name", "details")
        for c in exc.candidates[:25]:
            details = ", ".join(f"{k}={v}" for k, v in c.items() if k not in ("person_id", "org_id", "name"))
            table.add_row(str(c.get("person_id") or c.get("org_id")), str(c.get("name")), details)
        err.print(table)
        raise typer.Exit(2) from None
    except BadInputError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    except LabScoutError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from None


def with_store(fn: Callable[[ResearchStore], T]) -> T:
    with ResearchStore(Settings.from_env().research_store) as store:
        return fn(store)
