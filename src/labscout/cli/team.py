"""Team-building commands: `labscout team ...` (cost, chance, topics, slate, coverage) and `labscout seating ...`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from sqlalchemy.orm import Session

from labscout.cli.common import JsonOpt, app, console, err, errors, settings
from labscout.cli.pipeline import AsOpt, IdArg, VersionOpt, run, show, table, unit_of_work
from labscout.errors import BadInputError, InvalidError, NotFoundError
from labscout.pipeline.roles import Actor
from labscout.research.store import ResearchStore
from labscout.talent import index
from labscout.talent.index import TalentIndex
from labscout.team import costs, coverage, needs, proposals, seating

team_app = typer.Typer(help="Build the team: expected cost and chance, needed topics, the best slate, coverage.",
                       no_args_is_help=True)
cost_app = typer.Typer(help="Expected 4-year cost and chance of acceptance per candidate.", no_args_is_help=True)
chance_app = typer.Typer(help="The chance of acceptance at each stage.", no_args_is_help=True)
topic_app = typer.Typer(help="The topics the plan's roles need, and the least number of experts per topic.",
                        no_args_is_help=True)
seating_app = typer.Typer(help="Where the team sits: floor plans and seat assignments.", no_args_is_help=True)
app.add_typer(team_app, name="team")
team_app.add_typer(cost_app, name="cost")
team_app.add_typer(chance_app, name="chance")
team_app.add_typer(topic_app, name="topic")
app.add_typer(seating_app, name="seating")
T = TypeVar("T")


@contextmanager
def discovery() -> Iterator[tuple[ResearchStore, TalentIndex]]:
    path = settings().research_store
    if not path.exists():
        raise NotFoundError(f"no research store at {path}; build it with `labscout ingest PATH`")
    with ResearchStore(path) as store:
        yield store, index.open_index(store)


def run_with_store(as_user: str | None, fn: Callable[[Session, Actor, ResearchStore, TalentIndex], T]) -> T:
    with discovery() as (store, ti), unit_of_work(as_user) as (session, actor):
        return fn(session, actor, store, ti)


def money(value: int | None, currency: str | None = None) -> str:
    return "hidden" if value is None else f"{value:,}" + (f" {currency}" if currency else "")


def print_costs(found: list[costs.CandidateCost]) -> None:
    table("Expected cost and chance", ["id", "name", "role", "stage", "4-year cost", "from", "chance", "rule"],
          [[c.candidate_id, c.name, c.role, c.stage, money(c.cost, c.currency), c.cost_source,
            f"{c.chance:.0%}" + (" (own)" if c.chance_source == "candidate" else ""), c.rule or ""] for c in found])
    if found and found[0].redacted:
        console.print("costs: hidden (executive and HR only)")


@cost_app.command("list")
def cost_list(role: Annotated[str | None, typer.Option(help="Only this target role.")] = None,
              closed: Annotated[bool, typer.Option("--all", help="Also candidates at lost stages.")] = False,
              as_user: AsOpt = None, as_json: JsonOpt = False) -> None:
    """Each candidate's expected 4-year cost (offer, estimate or plan budget per slot) and chance."""
    with errors(as_json):
        found = run(as_user, lambda s, a: costs.list_costs(s, a, role=role, include_closed=closed))
    show(found, as_json, print_costs)


@cost_app.command("set")
def cost_set(
    candidate_id: IdArg,
    estimate: Annotated[int | None, typer.Option(help="Expected 4-year cost (whole currency units).")] = None,
    currency: Annotated[str | None, typer.Option(help="Currency of the estimate (default: the plan's).")] = None,
    chance: Annotated[float | None, typer.Option(help="This candidate's chance of accepting, 0 to 1.")] = None,
    rule: Annotated[str | None, typer.Option(help="in: always in the slate; out: never.")] = None,
    note: Annotated[str | None, typer.Option(help="Why (e.g. what they asked for).")] = None,
    clear: Annotated[list[str] | None, typer.Option("--clear", help="Clear cost, chance, rule or note "
                                                    "(repeatable).")] = None,
    version: VersionOpt = None,
    as_user: AsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Enter what the team expects of a candidate: cost (executive, HR), chance, slate rule."""
    with errors(as_json, {"cost": "--estimate", "clear": "--clear"}):
        change = costs.EstimateIn(cost=estimate, currency=currency, chance=chance, rule=rule, note=note,
                                  clear=tuple(clear or ()))
        found = run(as_user, lambda s, a: costs.set_estimate(s, a, candidate_id, change, expected_version=version))
    show(found, as_json, lambda c: print_costs([c]))


@chance_app.command("list")
def chance_list(as_user: AsOpt = None, as_json: JsonOpt = False) -> None:
    """The chance of acceptance at each stage (the team's or the default)."""
    with errors(as_json):
        found = run(as_user, costs.list_chances)
    show(found, as_json, lambda cs: table("Chance of acceptance by stage", ["stage", "outcome", "chance", "source"],
                                          [[c.stage, c.outcome, f"{c.chance:.0%}", c.source] for c in cs]))


@chance_app.command("set")
def chance_set(stage: Annotated[str, typer.Argument(help="The stage, e.g. meeting.")],
               chance: Annotated[float | None, typer.Argument(help="0 to 1; leave out with --default.")] = None,
               default: Annotated[bool, typer.Option("--default", help="Go back to the default.")] = False,
               as_user: AsOpt = None, as_json: JsonOpt = False) -> None:
    """Set the chance that a candidate at a stage accepts (executive)."""
    with errors(as_json, {"stage": "STAGE", "chance": "CHANCE"}):
        if chance is None and not default:
            raise InvalidError("chance: give a chance from 0 to 1, or --default", field="chance")
        found = run(as_user, lambda s, a: costs.set_chance(s, a, stage, None if default else chance))
    show(found, as_json, lambda c: console.print(f"stage '{c.stage}': chance {c.chance:.0%} ({c.source})"))


def _roles(values: list[str] | None) -> dict[str, float] | None:
    """`--role researcher` or `--role researcher=2` (weight) into role -> weight."""
    if values is None:
        return None
    found = {}
    for value in values:
        role, _, weight = value.partition("=")
        try:
            found[role] = float(weight) if weight else 1.0
        except ValueError:
            raise InvalidError(f"roles: '{value}': the weight after = is not a number", field="roles") from None
    return found


def print_needs(found: list[needs.TopicNeed]) -> None:
    table("Topics the team needs", ["topic", "roles (weight)", "min experts"],
          [[t.topic, ", ".join(f"{r} ({w:g})" for r, w in t.roles.items()), t.min_people] for t in found])


@topic_app.command("set")
def topic_set(topic: Annotated[str, typer.Argument(help="The topic as you would search it.")],
              role: Annotated[list[str] | None, typer.Option("--role", help="A plan role that needs it, "
                                                             "optionally =WEIGHT (repeatable).")] = None,
              min_people: Annotated[int | None, typer.Option("--min", help="Least number of its experts the team "
                                                             "should hold.")] = None,
              as_user: AsOpt = None, as_json: JsonOpt = False) -> None:
    """Add or change a topic the team needs (executive)."""
    with errors(as_json, {"topic": "TOPIC", "roles": "--role", "weight": "--role", "min_people": "--min"}):
        roles = _roles(role)
        found = run(as_user, lambda s, a: needs.set_need(s, a, topic, roles=roles, min_people=min_people))
    show(found, as_json, lambda t: print_needs([t]))


@topic_app.command("remove")
def topic_remove(topic: Annotated[str, typer.Argument(help="The topic.")], as_user: AsOpt = None,
                 as_json: JsonOpt = False) -> None:
    """Stop needing a topic (executive)."""
    with errors(as_json, {"topic": "TOPIC"}):
        run(as_user, lambda s, a: needs.remove_need(s, a, topic))
    show({"removed": topic}, as_json, lambda v: console.print(f"removed topic '{v['removed']}'"))


@topic_app.command("list")
def topic_list(as_user: AsOpt = None, as_json: JsonOpt = False) -> None:
    """The topics the team needs, with the roles that need them."""
    with errors(as_json):
        found = run(as_user, needs.list_needs)
    show(found, as_json, print_needs)


@team_app.command("rules")
def team_rules(max_per_org: Annotated[int | None, typer.Option(help="At most this many from one "
                                                               "organisation.")] = None,
               no_org_cap: Annotated[bool, typer.Option("--no-org-cap", help="No cap per organisation.")] = False,
               expert_top: Annotated[int | None, typer.Option(help="A topic's experts are its top this many in "
                                                              "search.")] = None,
               as_user: AsOpt = None, as_json: JsonOpt = False) -> None:
    """Show or change the rules every slate keeps (executive)."""
    with errors(as_json):
        changing = max_per_org is not None or no_org_cap or expert_top is not None
        found = run(as_user, lambda s, a: needs.set_rules(s, a, max_per_org=max_per_org, no_org_cap=no_org_cap,
                                                          expert_top=expert_top) if changing
                    else needs.get_rules(s, a))
    show(found, as_json, lambda r: console.print(
        f"at most {r.max_per_org if r.max_per_org is not None else 'any number'} per organisation; a topic's "
        f"experts are its top {r.expert_top} in search"))


def print_proposal(p: proposals.TeamProposal, title: str = "Proposed slate") -> None:
    for problem in p.problems:
        err.print(("[red]cannot hold:[/red] " if problem.blocking else "[yellow]note:[/yellow] ") + problem.message)
    table(title, ["role", "candidate", "stage", "4-year cost", "chance", "value", "why"],
          [[x.role, f"{x.candidate} ({x.candidate_id})", x.stage, money(x.expected_cost), f"{x.chance:.0%}",
            f"{x.value:.3f}", "; ".join(x.why)] for x in p.picks])
    table("Roles", ["role", "slots", "hired", "open", "candidates", "proposed"],
          [[r.role, r.slots, r.hired, r.open_slots, r.candidates, r.picked] for r in p.roles])
    if p.topics:
        table("Topic minimums", ["topic", "min", "hired experts", "proposed experts"],
              [[t.topic, t.min_people, t.hired_experts, t.picked_experts] for t in p.topics])
    gap = "unknown" if p.gap is None else f"{p.gap:.2%}"
    console.print(f"objective (expected value) {p.objective:.3f}, {'optimal' if p.optimal else p.status}, gap {gap}, "
                  f"solved in {p.solve_seconds:.2f} s over {p.considered} candidates")
    console.print(f"cost {money(p.total_cost, p.currency)} of {money(p.available)} available (budget "
                  f"{money(p.budget)}, committed {money(p.committed)})")
    ratio = f"{p.objective / p.greedy.objective:.3f}x" if p.greedy.objective else "-"
    console.print(f"greedy slate (best value per dollar first): value {p.greedy.objective:.3f}, cost "
                  f"{money(p.greedy.cost)}; the optimiser's is {ratio}"
                  + (f"; greedy misses {', '.join(p.greedy.short)}" if p.greedy.short else ""))
    if p.left_out:
        table("Left out", ["candidate", "role", "value", "why"],
              [[f"{x.candidate} ({x.candidate_id})", x.role, f"{x.value:.3f}", x.reason] for x in p.left_out])


def print_what_if(w: proposals.WhatIfOut) -> None:
    print_proposal(w.proposal, f"Slate with {w.label}")
    console.print(f"[bold]{w.label}[/bold]: value {w.objective_change:+.3f}, cost "
                  f"{'hidden' if w.cost_change is None else f'{w.cost_change:+,}'}")
    for x in w.added:
        console.print(f"  + {x.candidate} ({x.candidate_id}), {x.role}, value {x.value:.3f}")
    for x in w.removed:
        console.print(f"  - {x.candidate} ({x.candidate_id}), {x.role}, value {x.value:.3f}")
    if not w.added and not w.removed:
        console.print("  the slate does not change")


@team_app.command("propose")
def team_propose(
    must: Annotated[list[int] | None, typer.Option("--must", help="A candidate id that must be in "
                                                   "(repeatable).")] = None,
    exclude: Annotated[list[int] | None, typer.Option("--exclude", help="A candidate id to leave out "
                                                      "(repeatable).")] = None,
    max_per_org: Annotated[int | None, typer.Option(help="At most this many from one organisation (default: "
                                                    "the team's rule).")] = None,
    plus_budget: Annotated[int | None, typer.Option(help="What if the budget were this much larger "
                                                    "(e.g. 10000000).")] = None,
    plus_slot: Annotated[str | None, typer.Option(help="What if this role had one more slot.")] = None,
    without: Annotated[int | None, typer.Option(help="What if this candidate were left out.")] = None,
    time_limit: Annotated[float, typer.Option(help="Seconds the solver may take.")] = 10.0,
    as_user: AsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The best slate for the plan's open slots under the budget (HiGHS), beside the greedy one; what-ifs."""
    with errors(as_json, {"without": "--without", "must": "--must", "plus_slot": "--plus-slot", "role": "--plus-slot"}):
        options = proposals.SlateOptions(must=tuple(must or ()), without=tuple(exclude or ()),
                                         max_per_org=max_per_org, time_limit=time_limit)
        if plus_budget or plus_slot or without is not None:
            change = proposals.WhatIf(plus_budget or 0, plus_slot, without)
            found = run_with_store(as_user, lambda s, a, st, ti: proposals.what_if(s, a, st, ti, change, options))
            show(found, as_json, print_what_if)
            return
        proposal = run_with_store(as_user, lambda s, a, st, ti: proposals.propose_team(s, a, st, ti, options))
    show(proposal, as_json, print_proposal)
    if not proposal.feasible:
        raise typer.Exit(1)


def print_coverage(found: list[coverage.TopicCoverage]) -> None:
    if not found:
        console.print("The team needs no topics yet: add them with `labscout team topic set`.")
    for t in found:
        console.print(f"[bold]{t.topic}[/bold] ({', '.join(t.roles) or 'no role'}): {t.in_pipeline} of its top "
                      f"{t.experts} in the pipeline ({t.share:.0%}), {t.hired} hired"
                      + (f"; needs {t.min_people}" if t.min_people else "") + (f"; {t.error}" if t.error else ""))
        if t.by_stage:
            console.print("  by stage: " + ", ".join(f"{k} {v}" for k, v in t.by_stage.items()))
            console.print("  by owner: " + ", ".join(f"{k} {v}" for k, v in t.by_owner.items()))
        if t.not_approached:
            table(f"Best not yet approached for '{t.topic}'",
                  ["rank", "person", "organisation", "score", "in pipeline"],
                  [[e.rank, f"{e.name} ({e.person_id})", e.org, f"{e.score:.2f}",
                    f"candidate {e.candidate_id}, {e.stage}" if e.candidate_id else ""] for e in t.not_approached])


@team_app.command("coverage")
def team_coverage(top: Annotated[int | None, typer.Option(help="How many top experts per topic (default: the "
                                                          "team's).")] = None,
                  best: Annotated[int, typer.Option(help="How many not-yet-approached experts to list.")] = 5,
                  as_user: AsOpt = None, as_json: JsonOpt = False) -> None:
    """Per needed topic: the share of its top experts in the pipeline, by stage and owner, and who is left."""
    with errors(as_json):
        found = run_with_store(as_user, lambda s, a, st, ti: coverage.topic_coverage(s, a, st, ti, top=top,
                                                                                      best=best))
    show(found, as_json, print_coverage)


def print_seating(out: seating.SeatingOut) -> None:
    for problem in out.problems:
        err.print(f"[yellow]note:[/yellow] {problem}")
    table(f"Seats on {out.floor}", ["desk", "person", "role", "distance to leadership", "priority"],
          [[a.desk, f"{a.person} ({a.candidate_id})", a.role, f"{a.distance:.2f}", a.priority or ""]
           for a in out.assignments])
    if out.objective is not None:
        console.print(f"objective {out.objective:.2f} = priority {out.priority_cost:.2f} (exact optimum "
                      f"{out.priority_optimum:.2f}) + collaboration {out.collaboration_cost:.2f} (before swaps "
                      f"{out.collaboration_start:.2f}, {out.swaps} swaps)")
        console.print(f"method: {out.method}")
    if out.unseated:
        console.print("not seated: " + ", ".join(out.unseated))


def _export(out: seating.SeatingOut, dest: Path | None) -> None:
    if dest is not None:
        dest.write_text(seating.seating_csv(out))
        err.print(f"wrote {dest}")


CsvOpt = Annotated[Path | None, typer.Option("--csv", help="Also write the seats to this CSV file.")]


@seating_app.command("assign")
def seating_assign(
    floor: Annotated[Path, typer.Argument(help="Floor plan CSV: desk,x,y[,occupant]; occupied desks are "
                                          "leadership's (or a seated person's, named as #id, e-mail or name).")],
    name: Annotated[str | None, typer.Option(help="Name of the floor (default: the file's name).")] = None,
    collaboration: Annotated[float, typer.Option(help="Weight of sitting near collaborators.")] = 1.0,
    tolerance: Annotated[float, typer.Option(help="How far above its optimum the priority cost may go for "
                                             "collaboration (0.05 = 5%; 0 keeps it exact).")] = 0.05,
    csv_out: CsvOpt = None,
    as_user: AsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Seat everyone hired or at the offer stage: priority people nearest leadership, collaborators together."""
    with errors(as_json, {"name": "--name", "floor": "FLOOR"}):
        try:
            text = floor.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise BadInputError(f"cannot read it ({exc.__class__.__name__})", file=str(floor)) from None
        out = run_with_store(as_user, lambda s, a, st, ti: seating.seat_floor(
            s, a, st, ti, name or floor.stem, csv_text=text, file=str(floor), collaboration=collaboration,
            tolerance=tolerance))
        _export(out, csv_out)
    show(out, as_json, print_seating)


@seating_app.command("show")
def seating_show(floor: Annotated[str | None, typer.Option(help="The floor (default: the newest).")] = None,
                 csv_out: CsvOpt = None, as_user: AsOpt = None, as_json: JsonOpt = False) -> None:
    """A floor's saved seats."""
    with errors(as_json, {"floor": "--floor"}):
        out = run(as_user, lambda s, a: seating.get_seating(s, a, floor))
        _export(out, csv_out)
    show(out, as_json, print_seating)
