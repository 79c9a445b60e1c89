"""Watching the research record from the command line: watched people, saved searches, the team's rival and
own organisations, the alerts inbox and the daily digest. Each command acts as `--as EMAIL` (LABSCOUT_USER)."""

from __future__ import annotations

from typing import Annotated

import typer

from labscout.cli.common import JsonOpt, app, console, errors, org_app, settings
from labscout.cli.pipeline import AsOpt, engine_scope, run, show, table
from labscout.cli.research import print_alert_report
from labscout.pipeline import alerts, db, digest, refresh, watch
from labscout.research.store import ResearchStore
from labscout.talent import index, search

watch_app = typer.Typer(help="People you watch: alerts when they change organisation, publish an oral, ...",
                        no_args_is_help=True)
saved_app = typer.Typer(help="Saved expert searches: alerts when someone new enters the top 20.",
                        no_args_is_help=True)
alerts_app = typer.Typer(help="Your alerts inbox, checks after a build, and the daily e-mail digest.",
                         no_args_is_help=True)
app.add_typer(watch_app, name="watch")
app.add_typer(saved_app, name="search")
app.add_typer(alerts_app, name="alerts")


def _store() -> ResearchStore:
    return ResearchStore(settings().research_store)


@watch_app.command("add")
def watch_add(ref: Annotated[str, typer.Argument(help="A person's id, OpenReview id or name.")],
              note: Annotated[str | None, typer.Option(help="Why you watch them.")] = None,
              as_user: AsOpt = None, as_json: JsonOpt = False) -> None:
    """Watch a person; what the store shows now is the start, only what is new after alerts."""
    with errors(as_json, {"person": "REF"}), _store() as store:
        made = run(as_user, lambda s, a: watch.watch_person(s, a, store, ref, note=note))
    show(made, as_json, lambda w: console.print(f"watching {w.name} ({w.person_id})"))


@watch_app.command("remove")
def watch_remove(person_id: Annotated[str, typer.Argument(help="The watched person's id.")], as_user: AsOpt = None,
                 as_json: JsonOpt = False) -> None:
    """Stop watching a person."""
    with errors(as_json, {"person": "PERSON_ID"}):
        run(as_user, lambda s, a: watch.unwatch_person(s, a, person_id=person_id))
    show({"removed": person_id}, as_json, lambda v: console.print(f"no longer watching {person_id}"))


@watch_app.command("list")
def watch_list(as_user: AsOpt = None, as_json: JsonOpt = False) -> None:
    """The people you watch."""
    with errors(as_json):
        found = run(as_user, watch.list_watched)
    show(found, as_json, lambda rows: table("Watched people", ["person", "id", "since", "note"],
                                            [[w.name, w.person_id, f"{w.created_at:%Y-%m-%d}", w.note] for w in rows]))


@saved_app.command("save")
def saved_add(name: Annotated[str, typer.Argument(help="A name for the search.")],
              query: Annotated[str, typer.Argument(help="The topic, as for `labscout find`.")],
              org: Annotated[str | None, typer.Option(help="Only people at this organisation.")] = None,
              org_kind: Annotated[str | None, typer.Option(help="industry, university, startup or government.")]
              = None,
              country: Annotated[str | None, typer.Option(help="Two-letter country.")] = None,
              since: Annotated[int | None, typer.Option(help="Only papers from this year on count.")] = None,
              exclude_org: Annotated[str | None, typer.Option(help="Leave out people at this organisation.")] = None,
              as_user: AsOpt = None, as_json: JsonOpt = False) -> None:
    """Save an expert search; its top 20 now is the start, later entrants alert."""
    filters = search.SearchFilters(org=org, org_kind=org_kind, country=country, since=since, exclude_org=exclude_org)
    with errors(as_json, {"name": "NAME", "query": "QUERY"}), _store() as store:
        made = run(as_user, lambda s, a: watch.save_search(s, a, store, index.open_index(store), name=name,
                                                           query=query, filters=filters))
    show(made, as_json, lambda v: console.print(f"saved search {v.id} {v.name!r}: {len(v.top)} people in its top"))


@saved_app.command("list")
def saved_list(as_user: AsOpt = None, as_json: JsonOpt = False) -> None:
    """Your saved searches, with the top people they showed last."""
    with errors(as_json):
        found = run(as_user, watch.list_saved_searches)
    show(found, as_json, lambda rows: table("Saved searches", ["id", "name", "query", "top (last checked)"],
                                            [[s.id, s.name, s.query, ", ".join(list(s.top_names.values())[:5])]
                                             for s in rows]))


@saved_app.command("remove")
def saved_remove(search_id: Annotated[int, typer.Argument(help="The saved search's id.")], as_user: AsOpt = None,
                 as_json: JsonOpt = False) -> None:
    """Delete one of your saved searches."""
    with errors(as_json, {"search": "SEARCH_ID"}):
        run(as_user, lambda s, a: watch.delete_saved_search(s, a, search_id))
    show({"removed": search_id}, as_json, lambda v: console.print(f"saved search {search_id} deleted"))


@org_app.command("mark")
def org_mark(ref: Annotated[str, typer.Argument(help="An organisation's id, name, alias or domain.")],
             relation: Annotated[str, typer.Argument(help="rival or ours.")], as_user: AsOpt = None,
             as_json: JsonOpt = False) -> None:
    """Mark an organisation for the team: a rival (co-authors there alert) or ours (retention risks alert)."""
    with errors(as_json, {"org": "REF", "relation": "RELATION"}), _store() as store:
        made = run(as_user, lambda s, a: watch.mark_organisation(s, a, store, ref, relation))
    show(made, as_json, lambda m: console.print(f"{m.name} ({m.org_id}) marked {m.relation}"))


@org_app.command("unmark")
def org_unmark(org_id: Annotated[str, typer.Argument(help="The marked organisation's id.")], as_user: AsOpt = None,
               as_json: JsonOpt = False) -> None:
    """Take a rival or own mark off an organisation."""
    with errors(as_json, {"org": "ORG_ID"}):
        run(as_user, lambda s, a: watch.unmark_organisation(s, a, org_id))
    show({"unmarked": org_id}, as_json, lambda v: console.print(f"{org_id} unmarked"))


@org_app.command("marked")
def org_marked(as_user: AsOpt = None, as_json: JsonOpt = False) -> None:
    """The organisations the team marks as rivals or as its own."""
    with errors(as_json):
        found = run(as_user, watch.list_marked)
    show(found, as_json, lambda rows: table("Marked organisations", ["organisation", "id", "marked"],
                                            [[m.name, m.org_id, m.relation] for m in rows]))


@alerts_app.command("list")
def alerts_list(unread: Annotated[bool, typer.Option("--unread", help="Only alerts not read yet.")] = False,
                limit: Annotated[int, typer.Option(help="How many to show.")] = 50,
                keep_unread: Annotated[bool, typer.Option("--keep-unread", help="Do not mark them read.")] = False,
                as_user: AsOpt = None, as_json: JsonOpt = False) -> None:
    """Your alerts, unread first then newest; listing them marks them read."""
    with errors(as_json):
        found = run(as_user, lambda s, a: alerts.inbox(s, a, limit=limit, unread_only=unread,
                                                       mark_seen=not keep_unread))
    show(found, as_json, lambda rows: table("Alerts", ["", "when", "what", "alert", "why"],
                                            [["new" if a.seen_at is None else "", f"{a.created_at:%Y-%m-%d %H:%M}",
                                              alerts.KINDS.get(a.kind, a.kind), a.title, a.detail] for a in rows]))


@alerts_app.command("check")
def alerts_check(as_json: JsonOpt = False) -> None:
    """Compare every watch with the store as it is now (ingest and refresh do this themselves)."""
    with errors(as_json), engine_scope() as engine:
        report = refresh.check_now(db.units_of(engine), settings().research_store)
    show(report, as_json, print_alert_report)


@alerts_app.command("digest")
def alerts_digest(base_url: Annotated[str | None, typer.Option(help="The web app's address, for links.")] = None,
                  as_json: JsonOpt = False) -> None:
    """E-mail each user who opted in their new alerts (at most once a day; run it from a daily timer)."""
    with errors(as_json), engine_scope() as engine:
        report = digest.send_digests(db.units_of(engine), settings().smtp, base_url=base_url)
    show(report, as_json, lambda r: console.print(f"{len(r.sent)} digest(s) sent, {r.alerts} alert(s)"
                                                  + "".join(f"\nfailed: {f}" for f in r.failed)))
    if report.failed:
        raise typer.Exit(1)


@alerts_app.command("daily")
def alerts_daily(choice: Annotated[str, typer.Argument(help="on or off.")], as_user: AsOpt = None,
                 as_json: JsonOpt = False) -> None:
    """Turn your daily e-mail digest on or off."""
    if choice not in ("on", "off"):
        console.print("[red]error:[/red] CHOICE: on or off")
        raise typer.Exit(2)
    with errors(as_json):
        now = run(as_user, lambda s, a: watch.set_daily_digest(s, a, choice == "on"))
    show({"daily_digest": now}, as_json, lambda v: console.print(f"daily digest {'on' if now else 'off'}"))
