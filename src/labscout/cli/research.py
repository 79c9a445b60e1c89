"""Research-store commands: ingest, person and organisation profiles, identity evaluation, source download."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from labscout import terminal
from labscout.cli.common import (
    JsonOpt,
    app,
    console,
    dump,
    err,
    errors,
    eval_app,
    org_app,
    person_app,
    settings,
    with_store,
)
from labscout.cli.pipeline import engine_scope
from labscout.errors import BadInputError, InvalidError
from labscout.identity import eval as identity_eval
from labscout.pipeline import alerts, db, refresh
from labscout.research import build, careers, identity_checks, queries
from labscout.sources import download
from labscout.talent import views


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(
        help="Files or folders of source files: paper lists (*.json) and OpenAlex works (*.jsonl, *.jsonl.gz, "
             "a snapshot's works/ folder), each told by its content.")],
    skip_bad: Annotated[bool, typer.Option("--skip-bad", help="Leave out bad files and records, list them.")]
    = False,
    adapter: Annotated[str | None, typer.Option(
        help="Read every file as this format (paperlists, openalex) instead of telling each by its content.")]
    = None,
    as_json: JsonOpt = False,
) -> None:
    """Build the research store from source files; the previous store stays until the new one is complete.

    The team's identity corrections (from the pipeline store) are applied first; candidates follow their people.
    """
    dest = settings().research_store
    with errors(as_json):
        if as_json:
            rebuilt = _rebuild(paths, dest, adapter, skip_bad, None)
        else:
            with Progress(TextColumn("{task.description:<36}"), BarColumn(), MofNCompleteColumn(),
                          TimeElapsedColumn(), console=err, transient=False) as bar:
                task = bar.add_task("reading", total=None)

                def progress(what: str, done: int, total: int) -> None:
                    bar.update(task, description=what, completed=done, total=total)

                try:
                    rebuilt = _rebuild(paths, dest, adapter, skip_bad, progress)
                except BadInputError:
                    err.print("[yellow]Nothing was written; the previous store is unchanged. "
                              "Use --skip-bad to ingest the rest.[/yellow]")
                    raise
    summary = rebuilt.rebuild.summary
    if as_json:
        dump({
            "store": str(summary.store), "files": len(summary.files), "papers": summary.papers,
            "people": summary.people, "organisations": summary.organisations,
            "authorships": summary.authorships, "seconds": round(summary.seconds, 2),
            "skipped": [asdict(s) for s in summary.skipped], "skipped_by_reason": summary.skipped_by_reason,
            "corrections": summary.corrections,
            "record_issues": summary.record_issues, "id_conflicts": summary.id_conflicts,
            "stale_corrections": [asdict(s) for s in summary.stale_corrections],
            "relinked_candidates": [asdict(r) for r in rebuilt.rebuild.relinked],
            "works_folded": summary.works_folded, "works_repeated": summary.works_repeated,
            "clusters_vetted": summary.clusters_vetted, "alerts": asdict(rebuilt.alerts),
        })
        return
    table = Table(title=f"Research store built in {summary.seconds:.1f} s: {summary.store}")
    table.add_column("what")
    table.add_column("count", justify="right")
    for what, count in (("files", len(summary.files)), ("papers", summary.papers), ("people", summary.people),
                        ("organisations", summary.organisations), ("authorships", summary.authorships),
                        ("records skipped", len(summary.skipped))):
        table.add_row(what, f"{count:,}")
    console.print(table)
    if summary.skipped:
        skipped = Table(title="Skipped, and why")
        skipped.add_column("reason")
        skipped.add_column("count", justify="right")
        for reason, count in summary.skipped_by_reason.items():
            skipped.add_row(reason, str(count))
        console.print(skipped)
        for item in summary.skipped[:20]:
            where = item.file if item.record is None else f"{item.file} record {item.record}"
            console.print(f"  [dim]{where}: {item.reason}[/dim]")
    if summary.record_issues or summary.id_conflicts:
        kept = Table(title="Kept with a recorded conflict (see `person show --why`)")
        kept.add_column("what")
        kept.add_column("count", justify="right")
        for kind, count in summary.record_issues.items():
            kept.add_row(kind, f"{count:,}")
        if summary.id_conflicts:
            kept.add_row("an id printed under a name that is not its owner's (id not used)",
                         f"{summary.id_conflicts:,}")
        console.print(kept)
    if summary.corrections:
        console.print(f"{summary.corrections} identity correction(s) applied first.")
    for stale in summary.stale_corrections:
        console.print(f"[yellow]correction {stale.correction_id}: {stale.reason}[/yellow]")
    for r in rebuilt.rebuild.relinked:
        console.print(f"candidate {r.candidate_id} ({r.candidate_name}) re-linked {r.old_person_id} -> "
                      f"{r.new_person_id}")
    if summary.works_folded or summary.works_repeated or summary.clusters_vetted:
        console.print(f"OpenAlex: {summary.works_folded:,} works were papers already held (folded into them), "
                      f"{summary.works_repeated:,} read twice (the newer kept), {summary.clusters_vetted:,} author "
                      "clusters hold several people (their ORCID not used).")
    print_alert_report(rebuilt.alerts)


def print_alert_report(report: alerts.CheckReport) -> None:
    """What the watches found after a build: alerts by kind, and watches that could not run."""
    if report.alerts:
        kinds = ", ".join(f"{n} {alerts.KINDS.get(k, k).lower()}" for k, n in sorted(report.by_kind.items()))
        console.print(f"{report.alerts} new alert(s) in the team's inboxes: {kinds} (see `labscout alerts list`).")
    for note in report.notes:
        console.print(f"[yellow]{note}[/yellow]")


def _rebuild(paths: list[Path], dest: Path, adapter: str | None, skip_bad: bool,
             progress: build.Progress | None) -> refresh.Checked:
    with engine_scope() as engine:
        return refresh.rebuild_and_check(db.units_of(engine), dest, paths, adapter=adapter, skip_bad=skip_bad,
                                         progress=progress)


@person_app.command("show")
def person_show(
    ref: Annotated[str, typer.Argument(help="A person's name, person id or OpenReview id (~First_Last1).")],
    papers: Annotated[int, typer.Option(help="How many papers to list.")] = 20,
    show_why: Annotated[bool, typer.Option("--why", help="Also show why these papers are held as one person, "
                                                         "and how sure that is.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """What the store knows about one person: papers, career timeline, co-authors, links."""
    with errors(as_json, {"person": "REF"}):
        view = with_store(lambda s: views.person_view(s, ref, explain=show_why))
    if as_json:
        dump(asdict(view))
        return
    terminal.print_person(console, view, papers)


@org_app.command("show")
def org_show(
    ref: Annotated[str, typer.Argument(help="An organisation's name, alias, e-mail domain or id.")],
    top: Annotated[int, typer.Option(help="How many people to list.")] = 25,
    as_json: JsonOpt = False,
) -> None:
    """What the store knows about one organisation: family, names it goes by, its people, output by year."""
    with errors(as_json, {"org": "REF"}):
        view = with_store(lambda s: views.org_view(s, ref, top=top))
    if as_json:
        dump(asdict(view))
        return
    terminal.print_org(console, view)


@eval_app.command("identity")
def eval_identity(
    paths: Annotated[list[Path] | None, typer.Argument(help="Source files or folders (default: the demo data).")]
    = None,
    simulate: Annotated[str, typer.Option(
        "--simulate", help="Also apply the N largest errors as a careful user's corrections, for each N listed "
                           "(e.g. 10,50,200), and score again.")] = "",
    mixed: Annotated[bool, typer.Option(
        "--mixed/--no-mixed", help="Also score the mixed regime: the whole corpus with OpenReview ids kept in a "
                                   "third of their files, re-issued under another namespace in a third, "
                                   "removed in the rest.")] = True,
    seed: Annotated[int, typer.Option(help="Seed of the mixed regime's split of files.")] = identity_eval.MIXED_SEED,
    as_json: JsonOpt = False,
) -> None:
    """Person resolution measured: B-cubed against OpenReview ids with every id hidden and in the mixed regime
    (against the gold with proven duplicate profiles joined), per person for the prominent, and the same-name
    pairs sharing co-authors in the built store."""
    from labscout.config import DEFAULT_SOURCES

    with errors(as_json):
        try:
            counts = [int(n) for n in simulate.split(",") if n.strip()]
        except ValueError:
            raise InvalidError(f"--simulate takes numbers separated by commas, not {simulate!r}") from None
        if any(n <= 0 for n in counts):
            raise InvalidError("--simulate counts must be positive")
        report = identity_eval.evaluate_identity(paths or [DEFAULT_SOURCES], simulate=counts, mixed=mixed,
                                                 seed=seed)
        coverage = None
        overlap = None
        store_path = settings().research_store
        if store_path.exists():
            coverage = with_store(queries.org_coverage)
            overlap = with_store(identity_checks.same_name_overlap)
    if as_json:
        regime = report.mixed_regime
        dump({
            "identity": asdict(report),
            "mixed_regime": asdict(regime) if regime else None,
            "prominent_people": asdict(regime.prominent) if regime else None,
            "same_name_overlap_pairs": overlap.pairs if overlap else None,
            "same_name_overlap": asdict(overlap) if overlap else None,
            "organisations": coverage,
        })
        return
    terminal.print_identity_report(console, report, coverage, overlap)


@eval_app.command("pairing")
def eval_pairing(as_json: JsonOpt = False) -> None:
    """Per source file: how affiliations were paired with authors, how often they disagree with the e-mail
    domain or with the person's papers of the neighbouring years, and the facts paired and flagged weak."""
    with errors(as_json):
        report = with_store(careers.pairing_report)
    if as_json:
        dump([asdict(r) for r in report])
        return
    terminal.print_pairing_report(console, report)


sources_app = typer.Typer(help="Source data: fetch the public paper lists and OpenAlex works.", no_args_is_help=True)
app.add_typer(sources_app, name="sources")


@sources_app.command("download")
def sources_download(
    dest: Annotated[Path, typer.Argument(help="Folder to put the files in (one sub-folder per venue).")],
    venue: Annotated[list[str] | None, typer.Option(help="Only this venue (repeatable), e.g. iclr.")] = None,
    since: Annotated[int | None, typer.Option(help="Only years from this one on.")] = None,
    base_url: Annotated[str, typer.Option(help="Where the files are served from.")] = download.DEFAULT_BASE_URL,
    as_json: JsonOpt = False,
) -> None:
    """Download the public paper lists (needs internet); files that fail are listed and not written."""
    try:
        files = download.manifest_files(venue, since)
    except ValueError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    results = download.download(files, dest, base_url=base_url,
                                progress=None if as_json else lambda f: err.print(f"[dim]{f}[/dim]"))
    failed = [r for r in results if not r.ok]
    if as_json:
        dump([asdict(r) for r in results])
    else:
        console.print(f"{len(results) - len(failed)} of {len(results)} files downloaded to {dest}")
        for r in failed:
            console.print(f"[red]failed[/red] {r.file}: {r.detail}")
    if failed:
        raise typer.Exit(1)
