"""`labscout sources openalex ...`: fetch works from the OpenAlex API into files ingest reads, and refresh the
people that matter (the pipeline's, the watched, the saved searches' top experts)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from labscout.cli.common import JsonOpt, console, dump, err, errors, settings
from labscout.cli.pipeline import engine_scope
from labscout.cli.research import print_alert_report, sources_app
from labscout.pipeline import db, refresh
from labscout.research.store import ResearchStore
from labscout.sources.openalex_api import OpenAlexClient, WorksQuery
from labscout.sources.openalex_download import DownloadReport, download_works
from labscout.sources.openalex_download import Progress as DownloadProgress

openalex_app = typer.Typer(help="OpenAlex: works by author, ORCID, institution, topic or date; refresh.",
                           no_args_is_help=True)
sources_app.add_typer(openalex_app, name="openalex")

DestOpt = Annotated[Path | None, typer.Option(
    "--dest", help="Folder for the downloaded files (default: LABSCOUT_OPENALEX_DIR or LABSCOUT_HOME/openalex).")]


def _client() -> OpenAlexClient:
    return OpenAlexClient(refresh.client_settings(settings().openalex))


@contextmanager
def _bar(as_json: bool, what: str) -> Iterator[DownloadProgress | None]:
    if as_json:
        yield None
        return
    with Progress(TextColumn("{task.description:<30}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=False) as bar:
        task = bar.add_task(what, total=None)

        def progress(done: int, count: int | None) -> None:
            bar.update(task, completed=done, total=count)

        yield progress


@contextmanager
def _store_if_built() -> Iterator[ResearchStore | None]:
    """The research store when one is built (to look organisations up by name), else None."""
    path = settings().research_store
    if not path.exists():
        yield None
        return
    with ResearchStore(path) as store:
        yield store


def _print_download(report: DownloadReport) -> None:
    note = " (resumed)" if report.resumed else ""
    # soft_wrap: a path is printed whole on one line, to be copied (Rich would break it at the width).
    console.print(f"{report.works:,} works in {report.pages} pages{note} -> {report.file}", soft_wrap=True)
    if report.rejected:
        console.print(f"[yellow]{report.rejected} malformed works kept apart in "
                      f"{report.file.name.removesuffix('.jsonl.gz')}.rejected.ndjson[/yellow]")
    console.print(f"[dim]Read them with: labscout ingest <paper lists> {report.file.parent}[/dim]", soft_wrap=True)


@openalex_app.command("works")
def openalex_works(
    author: Annotated[list[str] | None, typer.Option(help="An OpenAlex author id (A...), repeatable.")] = None,
    orcid: Annotated[list[str] | None, typer.Option(help="An ORCID iD, repeatable.")] = None,
    institution: Annotated[list[str] | None, typer.Option(
        help="A ROR id, an OpenAlex institution id (I...), or an organisation's name or alias, repeatable.")]
    = None,
    topic: Annotated[str | None, typer.Option(help="Words searched in titles and abstracts.")] = None,
    since: Annotated[str | None, typer.Option(help="Only works published on or after this date (YYYY-MM-DD).")]
    = None,
    person: Annotated[str | None, typer.Option(help="One of our people (id, OpenReview id or name): their "
                                                    "OpenAlex ids, or an OpenAlex author matched by name and "
                                                    "organisation.")] = None,
    dest: DestOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Download the works a query finds (resumes an interrupted download of the same query)."""
    folder = dest or settings().openalex_folder
    with errors(as_json), _client() as api, _bar(as_json, "fetching works") as progress:
        if person is not None:
            with ResearchStore(settings().research_store) as store:
                report = refresh.fetch_person(api, store, person, folder, since=since, progress=progress)
        else:
            institutions: tuple[str, ...] = ()
            if institution:
                with _store_if_built() as store:
                    institutions = refresh.institution_ids(api, store, institution)
            query = WorksQuery(authors=tuple(author or ()), orcids=tuple(orcid or ()),
                               institutions=institutions, topic=topic, since=since)
            report = download_works(api, query, folder, progress=progress)
    if as_json:
        dump({**asdict(report), "file": str(report.file), "requests": api.stats.requests,
              "retries": api.stats.retries, "rate_limited": api.stats.rate_limited})
        return
    _print_download(report)


@openalex_app.command("refresh")
def openalex_refresh(
    dest: DestOpt = None,
    ingest: Annotated[bool, typer.Option("--ingest/--no-ingest", help="Rebuild the store with the new works "
                                                                      "(and raise alerts).")] = True,
    overlap_days: Annotated[int, typer.Option(help="Look back this many days past the last refresh.")]
    = refresh.OVERLAP_DAYS,
    as_json: JsonOpt = False,
) -> None:
    """Fetch what is new since the last refresh for the pipeline's people, the watched and the saved searches'
    top experts; then rebuild the store from the last build's sources plus the downloads, and raise alerts."""
    folder = dest or settings().openalex_folder
    with errors(as_json), _client() as api, engine_scope() as engine, _bar(as_json, "fetching works") as progress:
        report = refresh.refresh_openalex(db.units_of(engine), settings().research_store, api, folder,
                                          ingest=ingest, overlap_days=overlap_days, progress=progress)
    if as_json:
        checked = report.checked
        dump({"people": report.people, "queries": report.queries, "works": report.works,
              "files": [str(f) for f in report.files], "unmatched": report.unmatched,
              "requests": api.stats.requests, "retries": api.stats.retries,
              "alerts": asdict(checked.alerts) if checked else None,
              "papers": checked.rebuild.summary.papers if checked else None})
        return
    console.print(f"{report.people} people, {report.queries} queries, {report.works:,} works "
                  f"({api.stats.requests} requests, {api.stats.retries} retries)")
    for line in report.unmatched:
        console.print(f"[yellow]not found in OpenAlex:[/yellow] {line}")
    if report.checked is not None:
        console.print(f"Store rebuilt: {report.checked.rebuild.summary.papers:,} papers.")
        print_alert_report(report.checked.alerts)
