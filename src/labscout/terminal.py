"""Rich renderings of results for the terminal; the CLI's only view code."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from labscout.identity.eval import BCubed, IdentityReport
from labscout.research import provenance
from labscout.research.careers import FilePairing
from labscout.research.identity_checks import SameNameOverlap
from labscout.research.why import PersonWhy
from labscout.talent.views import OrgView, PersonView


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


def print_person(console: Console, profile: PersonView, n_papers: int) -> None:
    p = profile.person
    console.print(f"[bold]{p.name}[/bold]  [dim]{p.person_id}[/dim]")
    if profile.latest_org:
        org = profile.latest_org
        console.print(f"Latest known organisation: [bold]{org.name}[/bold] ({org.kind}"
                      f"{', ' + org.country if org.country else ''}), last seen {p.latest_org_year}")
    else:
        console.print("Latest known organisation: [dim]none in the sources[/dim]")
    if p.latest_position:
        console.print(f"Latest position: {p.latest_position} (seen {p.latest_position_year})")
    console.print(f"Papers: {p.n_papers} ({p.n_accepted} accepted), {p.first_year}-{p.last_year}")
    if len(p.name_variants) > 1:
        console.print("Name variants: " + "; ".join(p.name_variants))
    if p.author_ids:
        console.print("Ids in the sources: " + ", ".join(p.author_ids))
    console.print("Linked by: " + ", ".join(f"{k} {v}" for k, v in sorted(profile.evidence.items())))
    timeline = Table(title="Career timeline (from the affiliations printed on papers)")
    for col in ("year", "organisation", "position", "papers", "paired by", "says so"):
        timeline.add_column(col, overflow="fold")
    for row in profile.timeline:
        stated = row.org or "[dim]not stated[/dim]"
        if row.org and not row.n_first:
            stated += "\n[dim]named only as a second affiliation[/dim]"
        timeline.add_row(str(row.year), stated, _cell(row.position), str(row.n_papers), ", ".join(row.pairings),
                         ", ".join(provenance.source_name(s) for s in profile.sources_of(row.year, row.org_id)))
    console.print(timeline)
    if profile.set_aside:
        aside = Table(title="Set aside: weak, contradicted by the person's papers around it")
        for col in ("year", "organisation", "position", "papers", "why weak"):
            aside.add_column(col, overflow="fold")
        for row in profile.set_aside:
            aside.add_row(str(row.year), row.org or "", _cell(row.position), ", ".join(row.paper_ids), row.why or "")
        console.print(aside)
    papers = Table(title=f"Papers ({min(n_papers, len(profile.papers))} of {len(profile.papers)})")
    for col in ("year", "venue", "title", "status", "affiliation on paper", "source"):
        papers.add_column(col, overflow="fold")
    for paper in profile.papers[:n_papers]:
        source = f"{paper.source_file.rsplit('/', 1)[-1]}#{paper.record_index}"
        others = [s for s in profile.paper_sources.get(paper.paper_id, []) if s != "paperlists"]
        if others and not paper.paper_id.startswith(tuple(f"{s}-" for s in others)):
            source += f" (also {', '.join(provenance.source_name(s) for s in others)})"
        stated = _cell(paper.org or paper.raw_affiliation)
        if stated and paper.affiliation_source:
            stated += f" [dim]({paper.affiliation_source})[/dim]"
        papers.add_row(str(paper.year), paper.venue, paper.title, _cell(paper.status), stated, source)
    console.print(papers)
    if profile.coauthors:
        co = Table(title="Closest co-authors")
        for col in ("name", "id", "joint papers", "last"):
            co.add_column(col)
        for c in profile.coauthors:
            co.add_row(c.name, c.person_id, str(c.joint_papers), str(c.last_year))
        console.print(co)
    for link in profile.links:
        console.print(f"[dim]{link.kind}: {link.url} (from {link.paper_id})[/dim]")
    _print_person_extras(console, profile)
    if profile.why is not None:
        print_why(console, profile.why)


def print_org(console: Console, profile: OrgView) -> None:
    o = profile.org
    console.print(f"[bold]{o.name}[/bold]  [dim]{o.org_id}[/dim]  {o.kind}"
                  f"{', ' + o.country if o.country else ''}{'' if o.curated else ' (not curated)'}")
    if profile.parent:
        console.print(f"Part of: {profile.parent.name} [dim]{profile.parent.org_id}[/dim]")
    if profile.children:
        console.print("Includes: " + ", ".join(c.name for c in profile.children))
    if profile.successor:
        console.print(f"Renamed or merged into: {profile.successor.name} [dim]{profile.successor.org_id}[/dim]"
                      " (a move between the two is not a move)")
    if profile.predecessors:
        console.print("Formerly: " + ", ".join(p.name for p in profile.predecessors))
    console.print(f"People whose latest known organisation this is: {profile.n_people_latest:,}")
    aliases = Table(title="Names and domains it appears under")
    for col in ("alias", "kind", "matched by", "occurrences"):
        aliases.add_column(col)
    for a in profile.aliases[:15]:
        aliases.add_row(a.alias, a.alias_kind, a.method, str(a.occurrences))
    console.print(aliases)
    people = Table(title="People with the most papers written here")
    for col in ("name", "id", "papers here", "years", "latest known organisation"):
        people.add_column(col)
    for p in profile.people:
        latest = f"{p.latest_org} ({p.latest_org_year})" if p.latest_org else ""
        people.add_row(p.name, p.person_id, str(p.papers_here), f"{p.first_year}-{p.last_year}",
                       latest)
    console.print(people)
    years = Table(title="Output by year")
    for col in ("year", "papers", "people"):
        years.add_column(col)
    for y in profile.papers_by_year:
        years.add_row(str(y.year), str(y.papers), str(y.people))
    console.print(years)
    _print_org_extras(console, profile)


def _print_person_extras(console: Console, extras: PersonView) -> None:
    m = extras.metrics
    if m.papers:
        console.print(f"Metrics: {m.accepted} accepted of {m.papers} papers, {m.orals} orals, "
                      f"{m.spotlights} spotlights, first author {m.first_author}, last author "
                      f"{m.last_author}, {m.venues} venues" +
                      (f", mean review rating {m.mean_rating}" if m.mean_rating else ""))
    if extras.topics:
        console.print("Strongest topics: " + ", ".join(t for t, _ in extras.topics))
    if extras.moves:
        table = Table("from (last seen)", "to (first seen)", "papers that show it", title="Moves")
        for mv in extras.moves:
            table.add_row(f"{mv.from_org} ({mv.from_year}, {mv.from_support} papers)",
                          f"{mv.to_org} ({mv.to_year}, {mv.to_support} papers)", ", ".join(mv.evidence))
        console.print(table)


def _print_org_extras(console: Console, extras: OrgView) -> None:
    if extras.topics:
        console.print("Strongest topics (last four years): " + ", ".join(t for t, _ in extras.topics))
    if extras.inflow or extras.outflow:
        table = Table("came from", "people", "went to", "people", title="Inflow and outflow (all years)")
        for n in range(max(len(extras.inflow), len(extras.outflow))):
            came = extras.inflow[n] if n < len(extras.inflow) else ("", "")
            went = extras.outflow[n] if n < len(extras.outflow) else ("", "")
            table.add_row(came[0], str(came[1]), went[0], str(went[1]))
        console.print(table)


def print_why(console: Console, reasons: PersonWhy) -> None:
    console.print(f"\n[bold]Why one person[/bold]: confidence [bold]{reasons.confidence}[/bold] "
                  "(as sure as the weakest evidence that joined the papers)")
    table = Table("evidence", "strength", "mentions", "spellings / ids / organisations", "papers (source)")
    for group in reasons.groups:
        facts = "; ".join(x for x in (", ".join(group.spellings), ", ".join(group.identifiers),
                                      ", ".join(group.organisations)) if x)
        papers = "\n".join(f"{p.year} {p.title} ({p.source_file.rsplit('/', 1)[-1]}#{p.record_index})"
                           for p in group.papers)
        more = f"\n... and {group.mentions - len(group.papers)} more" if group.mentions > len(group.papers) else ""
        table.add_row(f"{group.reason}\n[dim]{group.meaning}[/dim]", group.strength, str(group.mentions), facts,
                      papers + more)
    console.print(table)
    if reasons.conflicts:
        conflicts = Table("paper (source)", "printed as", "data conflict: kept, not used",
                          title="Data conflicts on these papers")
        for c in reasons.conflicts:
            conflicts.add_row(f"{c.year} {c.title} ({c.source_file.rsplit('/', 1)[-1]}#{c.record_index})",
                              c.raw_name, c.conflict)
        console.print(conflicts)


def _row(table: Table, label: str, scores: BCubed) -> None:
    table.add_row(label, f"{scores.precision:.4f}", f"{scores.recall:.4f}", f"{scores.f1:.4f}",
                  f"{scores.mentions:,}")


def print_identity_report(console: Console, report: IdentityReport, coverage: dict[str, int] | None,
                          overlap: SameNameOverlap | None = None) -> None:
    regime = report.mixed_regime
    if regime is not None:
        mixed = Table(title=f"Mixed regime: the whole corpus ({regime.mentions:,} mentions); OpenReview ids kept "
                            f"in {regime.files_kept} files, re-issued in {regime.files_reissued}, removed in "
                            f"{regime.files_removed} (seed {regime.seed}); scored on the "
                            f"{regime.scored_mentions:,} mentions that carry one, {regime.seconds:.1f} s")
        for col in ("against / mentions", "B3 precision", "B3 recall", "B3 F1", "mentions"):
            mixed.add_column(col, justify="right" if col != "against / mentions" else "left")
        _row(mixed, f"gold, {regime.proven_duplicate_pairs} proven duplicate pairs joined, all",
             BCubed(regime.precision, regime.recall, regime.f1, regime.scored_mentions))
        _row(mixed, "gold, ambiguous names", regime.ambiguous)
        _row(mixed, "raw OpenReview ids, all", regime.raw_ids)
        for part, found in regime.by_part.items():
            _row(mixed, f"gold, mentions of the files whose ids were {part}", found)
        console.print(mixed)
    table = Table(title=f"Person resolution vs hidden OpenReview ids ({report.files} files, "
                        f"{report.gold_people:,} people, {report.seconds:.1f} s)")
    for col in ("method / mentions", "B3 precision", "B3 recall", "B3 F1", "mentions"):
        table.add_column(col, justify="right" if col != "method / mentions" else "left")
    _row(table, "exact name, all", report.baseline_all)
    _row(table, "LabScout, all", report.resolved_all)
    _row(table, "exact name, ambiguous names", report.baseline_ambiguous)
    _row(table, "LabScout, ambiguous names", report.resolved_ambiguous)
    console.print(table)
    people = Table(title="Per person: gold people with many mentions, whose mentions sit in one resolved person")
    for col in ("regime", "people", "in one person", "share"):
        people.add_column(col, justify="right" if col != "regime" else "left")
    for label, group in (("mixed", regime.prominent if regime else None),
                         ("every id hidden", report.prominent_hidden)):
        if group is not None:
            people.add_row(f"{label} ({group.min_mentions}+ mentions, {group.share:.0%} in one)", f"{group.people:,}",
                           f"{group.one_person:,}", f"{group.one_person_share:.4f}")
    console.print(people)
    if regime is not None and regime.prominent.split:
        console.print("Split in the mixed regime: " + "; ".join(
            f"{s.name} ({s.gold_id}, {s.mentions} mentions, {s.largest_share:.0%} in one of {s.pieces})"
            for s in regime.prominent.split[:10]))
    if overlap is not None:
        console.print(f"Same-name pairs of people ({overlap.min_papers}+ papers each) sharing {overlap.min_shared}+ "
                      f"co-authors in the built store: {overlap.pairs:,} ({overlap.with_prominent:,} with a person "
                      f"of {overlap.prominent}+ papers)")
    if report.simulated:
        sim = Table(title="A careful user corrects the N largest errors (all mentions, B-cubed)")
        for col in ("N", "P before", "R before", "F1 before", "P after", "R after", "F1 after", "fixed",
                    "pairs broken elsewhere"):
            sim.add_column(col, justify="right")
        for run in report.simulated:
            before, after = run.before, run.after
            sim.add_row(str(run.corrections), f"{before.precision:.4f}", f"{before.recall:.4f}",
                        f"{before.f1:.4f}", f"{after.precision:.4f}", f"{after.recall:.4f}", f"{after.f1:.4f}",
                        f"{run.fixed}/{run.corrections}", f"{run.broken_pairs:,}")
        console.print(sim)
    if coverage:
        org = Table(title="Organisation resolution over the research store")
        org.add_column("what")
        org.add_column("resolved / all", justify="right")
        org.add_column("to a curated organisation", justify="right")
        s, a = coverage["affiliation_strings"], coverage["authorships_with_affiliation"]
        org.add_row("distinct affiliation strings", f"{coverage['strings_resolved']:,} / {s:,}",
                    f"{coverage['strings_curated']:,} ({coverage['strings_curated'] / max(s, 1):.1%})")
        org.add_row("authorships with an affiliation", f"{coverage['authorships_resolved']:,} / {a:,}",
                    f"{coverage['authorships_curated']:,} ({coverage['authorships_curated'] / max(a, 1):.1%})")
        console.print(org)


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.1%}" if whole else ""


def print_pairing_report(console: Console, report: list[FilePairing]) -> None:
    table = Table(title="How each source file's affiliations were paired with its authors")
    for col in ("file", "papers", "authorships", "paired (by how)", "positions", "paper-level only",
                "slot list out of order", "aff vs e-mail domain disagree", "vs neighbouring years disagree",
                "facts", "weak"):
        table.add_column(col, justify="left" if col in ("file", "paired (by how)") else "right", overflow="fold")
    for r in report:
        paired = sum(r.by_pairing.values())
        how = ", ".join(f"{k} {v:,}" for k, v in sorted(r.by_pairing.items(), key=lambda kv: -kv[1]))
        table.add_row(r.file.rsplit("/", 1)[-1], f"{r.papers:,}", f"{r.authorships:,}",
                      f"{paired:,} ({_share(paired, r.authorships)})" + (f"\n[dim]{how}[/dim]" if how else ""),
                      f"{r.positions:,}", f"{r.unpaired_papers:,}", f"{r.misaligned_papers:,}",
                      f"{_share(r.domain_disagrees, r.domain_checked)} of {r.domain_checked:,}",
                      f"{_share(r.neighbours_disagree, r.neighbours_checked)} of {r.neighbours_checked:,}",
                      f"{r.facts:,}", f"{r.weak_facts:,} ({_share(r.weak_facts, r.facts)})")
    console.print(table)
