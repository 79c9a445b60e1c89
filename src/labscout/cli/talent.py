"""Discovery commands: find experts, moves, flows, retention, warm introductions, ranking evaluation."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from labscout.cli.common import JsonOpt, app, console, dump, err, errors, eval_app, with_store
from labscout.errors import BadInputError, InvalidError
from labscout.research.store import ResearchStore
from labscout.talent import eval as ranking_eval
from labscout.talent import heldout, index, moves, network, search, views


@app.command()
def find(
    query: Annotated[str, typer.Argument(help="A topic in plain words, e.g. \"RL for LLM reasoning\", or a "
                                              "person's name.")],
    top: Annotated[int, typer.Option(help="How many people to list.")] = 20,
    org: Annotated[str | None, typer.Option(help="Only people whose latest organisation is this (or under it).")]
    = None,
    org_kind: Annotated[str | None, typer.Option(help="industry, university, startup or government.")] = None,
    country: Annotated[str | None, typer.Option(help="Two-letter country of their latest organisation.")] = None,
    since: Annotated[int | None, typer.Option(help="Only papers from this year on count.")] = None,
    seniority: Annotated[str | None, typer.Option(help="junior or senior.")] = None,
    exclude_org: Annotated[str | None, typer.Option(help="Leave out people at this organisation.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """The people called QUERY, then people ranked for it as a topic: score parts, the papers that earned it,
    latest organisation and position."""
    filters = search.SearchFilters(org=org, org_kind=org_kind, country=country, since=since, seniority=seniority,
                                   exclude_org=exclude_org)
    # The search page's use case, unchanged: a name finds the people called so first (`person show ID` opens one).
    with errors(as_json, {"query": "QUERY", "limit": "--top"}):
        found = with_store(lambda store: views.search_view(store, index.open_index(store), query, filters=filters,
                                                           limit=top))
    if as_json:
        dump(asdict(found))
        return
    people, hits = found.people, found.experts
    if people:
        called = Table("id", "papers", "years", "latest organisation (last seen)",
                       title=f"People called {query!r} (labscout person show ID)")
        for p in people[:10]:
            called.add_row(p.person_id, str(p.n_papers), f"{p.first_year}-{p.last_year}",
                           f"{p.latest_org} ({p.latest_org_year})" if p.latest_org else "not stated")
        console.print(called)
        if len(people) > 10:
            console.print(f"and {len(people) - 10} more people called {query!r}")
    if not hits:
        console.print(f"As a topic: {found.topic_error}" if found.topic_error
                      else f"No papers match {query!r} as a topic with these filters.")
        return
    shown = query if len(query) <= 80 else query[:77] + "..."
    table = Table(title=f"Experts for {shown!r}", show_lines=True)
    for col in ("#", "person", "now (last seen)", "score = " + " + ".join(search.PARTS), "papers that earned it"):
        table.add_column(col, overflow="fold")
    for h in hits:
        where = f"{h.org or 'not stated'} ({h.org_year})" if h.org else "not stated"
        if h.position:
            where += f"\n{h.position}"
        parts = " + ".join(f"{v:.2f}" for v in h.parts.values())
        papers = "\n".join(f"{e.year} {e.venue}: {e.title}" + (f" [{e.presentation}]" if e.presentation else "")
                           + (f" ({e.citations} citations)" if e.citations else "") for e in h.evidence[:3])
        table.add_row(str(h.rank), f"{h.name}\n[dim]{h.person_id}[/dim]", where, f"{h.score:.2f} = {parts}\n"
                      f"[dim]{h.papers_on_topic} papers on topic[/dim]", papers)
    console.print(table)


@app.command("moves")
def moves_cmd(
    from_org: Annotated[str | None, typer.Option("--from", help="Organisation they left (and its sub-units).")]
    = None,
    to_org: Annotated[str | None, typer.Option("--to", help="Organisation they joined (and its sub-units).")]
    = None,
    since: Annotated[int | None, typer.Option(help="Moves seen from this year on.")] = None,
    limit: Annotated[int, typer.Option(help="How many to list (most recent and best supported first).")] = 50,
    min_support: Annotated[int, typer.Option(help="Papers each end must rest on.")] = moves.DEFAULT_MIN_SUPPORT,
    as_json: JsonOpt = False,
) -> None:
    """People who changed organisation, with the papers on both sides; renames, units of one organisation,
    dual affiliations and one-paper facts the person's other papers contradict are not moves."""
    def run(s: ResearchStore) -> tuple[list[moves.Move], int]:
        return (moves.list_moves(s, from_org=from_org, to_org=to_org, since=since, limit=limit,
                                 min_support=min_support),
                moves.count_moves(s, from_org=from_org, to_org=to_org, since=since, min_support=min_support))

    with errors(as_json, {"from_org": "--from", "to_org": "--to", "limit": "--limit",
                          "min_support": "--min-support"}):
        found, total = with_store(run)
    if as_json:
        dump([asdict(m) for m in found])
        return
    table = Table("person", "from (last seen)", "to (first seen)", "evidence papers",
                  title=f"Moves: {len(found)} of {total:,}, most recent and best supported first"
                        + (f" (--limit {limit})" if total > len(found) else ""))
    for m in found:
        table.add_row(f"{m.name}\n[dim]{m.person_id}[/dim]", f"{m.from_org} ({m.from_year}, {m.from_support} papers)",
                      f"{m.to_org} ({m.to_year}, {m.to_support} papers)", ", ".join(m.evidence))
    console.print(table)


@app.command()
def flows(
    since: Annotated[int | None, typer.Option(help="Moves seen from this year on.")] = None,
    org: Annotated[str | None, typer.Option(help="Only flows into or out of this organisation.")] = None,
    by_org: Annotated[bool, typer.Option("--by-org", help="Count each organisation, not its whole group.")]
    = False,
    min_people: Annotated[int, typer.Option(help="Leave out flows of fewer people.")] = 2,
    limit: Annotated[int, typer.Option(help="How many flows to list.")] = 40,
    as_json: JsonOpt = False,
) -> None:
    """Organisation-to-organisation flows of people per year, biggest first."""
    with errors(as_json):
        found = with_store(lambda s: moves.list_flows(s, since=since, org=org, by_group=not by_org,
                                                      min_people=min_people, limit=limit))
    if as_json:
        dump([asdict(f) for f in found])
        return
    table = Table("year", "from", "to", "people", title="Talent flows")
    for f in found:
        table.add_row(str(f.year), f.from_org, f.to_org, str(f.people))
    console.print(table)


@app.command()
def retention(
    org: Annotated[str, typer.Argument(help="Our organisation (id, name or domain).")],
    since: Annotated[int | None, typer.Option(help="Moves seen from this year on.")] = None,
    top: Annotated[int, typer.Option(help="How many people at risk to list.")] = 20,
    as_json: JsonOpt = False,
) -> None:
    """Who left an organisation and where to, who joined, and who may follow their co-authors out."""
    with errors(as_json, {"org": "ORG"}):
        found = with_store(lambda s: moves.retention(s, org, since=since, top=top))
    if as_json:
        dump(asdict(found))
        return
    console.print(f"[bold]{found.org}[/bold]: {len(found.left)} left, {len(found.joined)} joined"
                  + (f" since {since}" if since else ""))
    dest = Table("went to", "people", title="Where they went")
    for where, n in list(found.destinations.items())[:15]:
        dest.add_row(where, str(n))
    console.print(dest)
    risk = Table("person", "last seen", "risk", "closest co-authors who left", title="At risk")
    for a in found.at_risk:
        risk.add_row(f"{a.name}\n[dim]{a.person_id}[/dim]", str(a.last_seen), f"{a.risk:.0%}",
                     "\n".join(a.departed_coauthors))
    console.print(risk)


@app.command()
def intro(
    to: Annotated[str, typer.Option("--to", help="The person to reach (id or unambiguous name).")],
    via_org: Annotated[str | None, typer.Option(help="Our people are those whose latest organisation is this.")]
    = None,
    via: Annotated[Path | None, typer.Option(help="A file of our people: one person id or name per line.")]
    = None,
    paths: Annotated[int, typer.Option(help="How many paths to show.")] = 5,
    as_json: JsonOpt = False,
) -> None:
    """The warmest paths from our people to someone, each step a pair who wrote papers together."""
    with errors(as_json):
        people = _people_file(via) if via else None
        found = with_store(lambda s: network.find_intro_paths(s, to, from_people=people, via_org=via_org,
                                                              paths=paths))
    if as_json:
        dump([asdict(p) for p in found])
        return
    if not found:
        console.print("No path of three steps or fewer from our people.")
    for n, p in enumerate(found, 1):
        console.print(f"[bold]{n}. {' -> '.join(p.names)}[/bold] (weakest link {p.strength:.2f})")
        for e in p.edges:
            joint = "; ".join(f"{j.year} {j.title}" for j in e.papers[:3])
            console.print(f"   {e.source_name} - {e.target_name}: {joint}")


def _people_file(path: Path) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInputError(f"cannot read the people file: {exc}", file=str(path)) from None
    people = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    if not people:
        raise InvalidError(f"{path} lists nobody")
    return people


@eval_app.command("ranking")
def eval_ranking(
    cutoff: Annotated[int, typer.Option(help="Rank with papers up to this year; judge by the next two.")] = 2021,
    k: Annotated[int, typer.Option(help="Depth of NDCG@k and recall@k.")] = 50,
    held_out: Annotated[int | None, typer.Option(
        "--held-out", help="Instead: hide N papers, ask with each one's title and keywords, find its first author.")]
    = None,
    seed: Annotated[int, typer.Option(help="Which papers --held-out hides (16 is the tuning sample).")] = 16,
    as_json: JsonOpt = False,
) -> None:
    """NDCG@k and recall@k of expert ranking over fixed topics, beside paper-count and CSRankings-style ranking;
    or, with --held-out, the leave-one-paper-out test beside BM25 summed per name."""
    if held_out is not None:
        _eval_held_out(held_out, seed, as_json)
        return
    with errors(as_json):
        report = with_store(lambda s: ranking_eval.evaluate_ranking(index.open_index(s), cutoff=cutoff, k=k))
    if as_json:
        dump(asdict(report))
        return
    table = Table(title=f"Expert ranking with papers up to {report.cutoff}, judged on {report.window[0]}-"
                        f"{report.window[1]} ({len(report.topics)} topics)")
    table.add_column("topic")
    for m in report.mean:
        table.add_column(f"{m.method}\nNDCG@{k} / R@{k}", justify="right")
    for t in report.topics:
        table.add_row(t.topic, *[f"{m.ndcg:.3f} / {m.recall:.3f}" for m in t.scores])
    table.add_row("[bold]mean[/bold]", *[f"[bold]{m.ndcg:.3f} / {m.recall:.3f}[/bold]" for m in report.mean])
    console.print(table)


def _eval_held_out(n: int, seed: int, as_json: bool) -> None:
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with errors(as_json, {"held_out": "--held-out"}), Progress(*columns, console=err, disable=as_json) as bar:
        task = bar.add_task(f"building the index without {n} papers, then asking", total=n)
        report = with_store(lambda s: heldout.evaluate(s, n, seed, progress=lambda done, _: bar.update(
            task, completed=done)))
    if as_json:
        dump(asdict(report))
        return
    table = Table("method", *(f"first author in top {c}" for c in heldout.CUTS), "median rank",
                  title=f"Leave-one-paper-out: {report.papers} of {report.pool:,} eligible papers hidden (seed {seed})")
    for m in report.methods:
        table.add_row(m.method, *(f"{m.found_at[c]:.1%}" for c in heldout.CUTS),
                      f"{m.median_rank:.0f}" if m.median_rank is not None else "-")
    console.print(table)
