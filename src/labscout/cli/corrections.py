"""Identity corrections from the command line: merge, split, organisation alias and settings, list, revert."""

from __future__ import annotations

from typing import Annotated

import typer

from labscout.cli.common import JsonOpt, app, console, errors, org_app, person_app, settings
from labscout.cli.pipeline import AsOpt, run, run_flow, show, table
from labscout.errors import InvalidError
from labscout.pipeline import corrections

corrections_app = typer.Typer(help="Identity corrections the team made: list them, revert one.",
                              no_args_is_help=True)
app.add_typer(corrections_app, name="corrections")

ReasonOpt = Annotated[str | None, typer.Option("--reason", help="Why: kept with the correction and audited.")]


def _render(done: corrections.CorrectionOut) -> None:
    console.print(f"correction {done.id} ({done.kind}): {done.summary}")
    if done.note:
        console.print(f"[dim]{done.note}[/dim]")
    for r in done.relinked:
        extra = f"; the rest now {', '.join(r.others)}" if r.others else ""
        console.print(f"candidate {r.candidate_id} ({r.candidate_name}) re-linked {r.old_person_id} -> "
                      f"{r.new_person_id} ({r.share:.0%} of their papers{extra})")


@person_app.command("merge")
def person_merge(
    first: Annotated[str, typer.Argument(help="A person id (or a name that fits one person).")],
    second: Annotated[str, typer.Argument(help="The other person.")],
    reason: ReasonOpt = None, as_user: AsOpt = None, as_json: JsonOpt = False,
) -> None:
    """Say that two people of the research store are one: applied now and at every later ingest."""
    store = settings().research_store
    with errors(as_json, {"first": "FIRST", "second": "SECOND"}):
        done = run_flow(as_user, lambda s, a: corrections.merge_people(s, a, store, first, second, reason=reason))
    show(done, as_json, _render)


@person_app.command("split")
def person_split(
    person: Annotated[str, typer.Argument(help="The person id (or a name that fits one person).")],
    papers: Annotated[str | None, typer.Option(help="Paper ids that belong to someone else, comma-separated.")]
    = None,
    name_variant: Annotated[str | None, typer.Option(help="Split off the papers written with this spelling.")]
    = None,
    org: Annotated[str | None, typer.Option(help="Split off the papers written at this organisation.")] = None,
    years: Annotated[str | None, typer.Option(help="Split off the papers of these years, e.g. 2019-2021.")] = None,
    reason: ReasonOpt = None, as_user: AsOpt = None, as_json: JsonOpt = False,
) -> None:
    """Say that some papers of a person are somebody else's: applied now and at every later ingest."""
    store = settings().research_store
    with errors(as_json, {"person": "PERSON"}):
        span = _years(years) if years else None
        chosen = [p.strip() for p in papers.split(",") if p.strip()] if papers else []
        done = run_flow(as_user, lambda s, a: corrections.split_person(
            s, a, store, person, papers=chosen, name_variant=name_variant, org=org, years=span, reason=reason))
    show(done, as_json, _render)


def _years(text: str) -> tuple[int, int]:
    first, _, last = text.partition("-")
    try:
        span = (int(first), int(last or first))
    except ValueError:
        raise InvalidError(f"--years takes YEAR or FROM-TO, not {text!r}") from None
    if span[0] > span[1]:
        raise InvalidError(f"--years {text}: the first year comes after the last")
    return span


@org_app.command("alias")
def org_alias(
    raw: Annotated[str, typer.Argument(help="The affiliation string as papers print it.")],
    org: Annotated[str, typer.Argument(help="The organisation it names (id, name or domain).")],
    reason: ReasonOpt = None, as_user: AsOpt = None, as_json: JsonOpt = False,
) -> None:
    """Say which organisation an affiliation string names: applied now and at every later ingest."""
    store = settings().research_store
    with errors(as_json, {"org": "ORG", "raw": "RAW"}):
        done = run_flow(as_user, lambda s, a: corrections.alias_org(s, a, store, raw, org, reason=reason))
    show(done, as_json, _render)


@org_app.command("set")
def org_set(
    org: Annotated[str, typer.Argument(help="The organisation (id, name or domain).")],
    parent: Annotated[str | None, typer.Option(help="Its parent organisation.")] = None,
    kind: Annotated[str | None, typer.Option(
        help="industry_lab, university, startup, government_nonprofit, investor or unknown.")] = None,
    country: Annotated[str | None, typer.Option(help="Two-letter country code.")] = None,
    reason: ReasonOpt = None, as_user: AsOpt = None, as_json: JsonOpt = False,
) -> None:
    """Set an organisation's parent, kind or country: applied now and at every later ingest."""
    store = settings().research_store
    with errors(as_json, {"org": "ORG"}):
        done = run_flow(as_user, lambda s, a: corrections.set_org(s, a, store, org, parent=parent, kind=kind,
                                                            country=country, reason=reason))
    show(done, as_json, _render)


@corrections_app.command("list")
def corrections_list(
    status: Annotated[str | None, typer.Option(help="Only 'active' or only 'reverted' ones.")] = None,
    as_user: AsOpt = None, as_json: JsonOpt = False,
) -> None:
    """Every identity correction, newest first, with who made it, why, and whether it still applies."""
    with errors(as_json):
        if status not in (None, "active", "reverted"):
            raise InvalidError(f"--status is 'active' or 'reverted', not {status!r}")
        found = run(as_user, lambda s, a: corrections.list_corrections(s, a, status=status))
    show(found, as_json, lambda rows: table(
        "Identity corrections", ["id", "kind", "what", "by", "when", "why", "status"],
        [[r.id, r.kind, r.summary, r.created_by, f"{r.created_at:%Y-%m-%d %H:%M}", r.reason or "",
          r.status if not r.stale_reason else f"{r.status}; no longer applies in full: {r.stale_reason}"]
         for r in rows]))


@corrections_app.command("revert")
def corrections_revert(
    correction_id: Annotated[int, typer.Argument(help="The correction's number, from `corrections list`.")],
    reason: ReasonOpt = None, as_user: AsOpt = None, as_json: JsonOpt = False,
) -> None:
    """Take a correction back: undone now where the store allows, and never applied again."""
    store = settings().research_store
    with errors(as_json, {"correction_id": "CORRECTION_ID"}):
        done = run_flow(as_user, lambda s, a: corrections.revert_correction(s, a, store, correction_id, reason=reason))
    show(done, as_json, _render)
