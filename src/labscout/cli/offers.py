"""Offer, plan and deal commands: `labscout offer ...`, `labscout plan ...`, `labscout deal ...`."""

from __future__ import annotations

from typing import Annotated

import typer

from labscout.cli.common import JsonOpt, console, errors
from labscout.cli.pipeline import AsOpt, IdArg, VersionOpt, deal_app, offer_app, parse_date, plan_app, run, show, table
from labscout.pipeline import deals, offers, plan, policy
from labscout.pipeline.money import list_rates, set_plan_currency, set_rate
from labscout.pipeline.offers import OfferIn

OfferArg = Annotated[int, typer.Argument(help="The offer's id (see `labscout offer list`).")]
# How `offer create` spells the fields of an offer where it is not --field.
OFFER_FLAGS = {"start_date": "--start", "expires_on": "--expires", "equity_value": "--equity",
               "vesting_cliff_months": "--cliff-months", "candidate_id": "CANDIDATE_ID"}
ReasonOpt = Annotated[str | None, typer.Option(help="Why (required to decline, return or withdraw).")]


def money(value: int | None) -> str:
    return "hidden" if value is None else f"{value:,}"


def print_offer(o: offers.OfferOut) -> None:
    console.print(f"offer {o.id} for {o.candidate_name} (candidate {o.candidate_id}), {o.role}: [bold]{o.status}"
                  f"[/bold], version {o.version}")
    if o.redacted:
        console.print("compensation: hidden (executive and HR only)")
    else:
        console.print(f"base {money(o.base)}  bonus {money(o.bonus)}  signing {money(o.signing)}  equity "
                      f"{money(o.equity_value)} over {o.vesting_years} y ({o.vesting_cliff_months} mo cliff)  "
                      f"GPUs {o.gpus}  {o.currency}")
        in_plan = "" if o.plan_currency == o.currency else (
            f" = {money(o.total_4y_plan)} {o.plan_currency}" if o.total_4y_plan is not None
            else f" (no rate to {o.plan_currency}: cannot be approved)")
        console.print(f"4-year total {money(o.total_4y)} {o.currency}{in_plan}"
                      + ("  (above the approval threshold)" if o.needs_executive else ""))
    console.print(f"start {o.start_date}, expires {o.expires_on}"
                  + (f"; reason: {o.decline_reason}" if o.decline_reason else ""))


@offer_app.command("create")
def offer_create(
    candidate_id: IdArg,
    base: Annotated[int, typer.Option(help="Annual base salary (whole currency units).")],
    start: Annotated[str, typer.Option(help="Start date, YYYY-MM-DD.")],
    expires: Annotated[str, typer.Option(help="Date the offer expires, YYYY-MM-DD.")],
    bonus: Annotated[int, typer.Option(help="Annual target bonus.")] = 0,
    signing: Annotated[int, typer.Option(help="Signing bonus.")] = 0,
    equity: Annotated[int, typer.Option(help="Equity grant value.")] = 0,
    vesting_years: Annotated[int, typer.Option(help="Years the equity vests over.")] = 4,
    cliff_months: Annotated[int, typer.Option(help="Vesting cliff in months.")] = 12,
    gpus: Annotated[int, typer.Option(help="Compute commitment: dedicated GPUs.")] = 0,
    currency: Annotated[str, typer.Option(help="Currency code.")] = "USD",
    role: Annotated[str | None, typer.Option(help="Plan role it fills (default: the candidate's).")] = None,
    notes: Annotated[str | None, typer.Option(help="Notes for the approver.")] = None,
    as_user: AsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Draft an offer (executive and HR); its 4-year total value is computed."""
    with errors(as_json, OFFER_FLAGS):
        start_date, expires_on = parse_date(start, "start"), parse_date(expires, "expires")
        assert start_date is not None and expires_on is not None
        terms = OfferIn(base=base, bonus=bonus, signing=signing, equity_value=equity, vesting_years=vesting_years,
                        vesting_cliff_months=cliff_months, gpus=gpus, start_date=start_date, expires_on=expires_on,
                        currency=currency, role=role, notes=notes)
        found = run(as_user, lambda s, a: offers.create_offer(s, a, candidate_id, terms))
    show(found, as_json, print_offer)


def _step(name: str, offer_id: int, reason: str | None, version: int | None, as_user: str | None,
          as_json: bool) -> None:
    with errors(as_json, {"offer_id": "OFFER_ID"}):
        found = run(as_user, lambda s, a: offers.step(s, a, offer_id, name, reason=reason, expected_version=version))
    show(found, as_json, print_offer)


@offer_app.command("submit")
def offer_submit(offer_id: OfferArg, version: VersionOpt = None, as_user: AsOpt = None,
                 as_json: JsonOpt = False) -> None:
    """Submit a draft for approval."""
    _step("submit", offer_id, None, version, as_user, as_json)


@offer_app.command("approve")
def offer_approve(offer_id: OfferArg, version: VersionOpt = None,
                  confirm: Annotated[bool, typer.Option(
                      "--confirm", help="As the CEO: confirm an offer above the threshold explicitly.")] = False,
                  as_user: AsOpt = None, as_json: JsonOpt = False) -> None:
    """Approve a pending offer: never your own draft; above the threshold as the team's rule says."""
    _step("confirm" if confirm else "approve", offer_id, None, version, as_user, as_json)


@offer_app.command("rule")
def offer_rule(
    rule: Annotated[str | None, typer.Argument(help="'another executive' or 'ceo confirms'; leave out to show it.")]
    = None,
    ceo: Annotated[str | None, typer.Option(help="With 'ceo confirms': the CEO's e-mail (an executive).")] = None,
    as_user: AsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Who approves an offer above the threshold: another executive than its drafter, or the CEO confirming."""
    with errors(as_json, {"rule": "RULE", "ceo_email": "--ceo"}):
        found = run(as_user, lambda s, a: policy.set_approval_rule(s, a, rule, ceo_email=ceo) if rule is not None
                    else policy.approval_rule(s))
    show(found, as_json, lambda r: console.print(
        f"above the threshold: {r.rule}" + (f" ({r.ceo_name})" if r.ceo_name else "")))


@offer_app.command("return")
def offer_return(offer_id: OfferArg, reason: ReasonOpt = None, version: VersionOpt = None, as_user: AsOpt = None,
                 as_json: JsonOpt = False) -> None:
    """Send a pending offer back to draft, with the reason."""
    _step("return", offer_id, reason, version, as_user, as_json)


@offer_app.command("send")
def offer_send(offer_id: OfferArg, version: VersionOpt = None, as_user: AsOpt = None,
               as_json: JsonOpt = False) -> None:
    """Record that an approved offer went to the candidate (moves them to the offer stage)."""
    _step("send", offer_id, None, version, as_user, as_json)


@offer_app.command("accept")
def offer_accept(offer_id: OfferArg, version: VersionOpt = None, as_user: AsOpt = None,
                 as_json: JsonOpt = False) -> None:
    """Record the candidate's acceptance (moves them to accepted; counts against the budget)."""
    _step("accept", offer_id, None, version, as_user, as_json)


@offer_app.command("decline")
def offer_decline(offer_id: OfferArg, reason: ReasonOpt = None, version: VersionOpt = None, as_user: AsOpt = None,
                  as_json: JsonOpt = False) -> None:
    """Record that the candidate declined, and why."""
    _step("decline", offer_id, reason, version, as_user, as_json)


@offer_app.command("withdraw")
def offer_withdraw(offer_id: OfferArg, reason: ReasonOpt = None, version: VersionOpt = None, as_user: AsOpt = None,
                   as_json: JsonOpt = False) -> None:
    """Withdraw an offer that is not yet decided."""
    _step("withdraw", offer_id, reason, version, as_user, as_json)


@offer_app.command("show")
def offer_show(offer_id: OfferArg, as_user: AsOpt = None, as_json: JsonOpt = False) -> None:
    """One offer (figures shown to executive and HR only)."""
    with errors(as_json, {"offer_id": "OFFER_ID"}):
        found = run(as_user, lambda s, a: offers.get_offer(s, a, offer_id))
    show(found, as_json, print_offer)


@offer_app.command("expire")
def offer_expire(as_user: AsOpt = None, as_json: JsonOpt = False) -> None:
    """Mark sent offers past their expiry date as expired."""
    with errors(as_json):
        found = run(as_user, lambda s, a: offers.expire_offers(s, a))
    show(found, as_json, lambda os: console.print(f"{len(os)} offer(s) expired"))


@offer_app.command("list")
def offer_list(
    status: Annotated[str | None, typer.Option(help="Only this status, e.g. pending_approval.")] = None,
    candidate: Annotated[int | None, typer.Option(help="Only this candidate's offers.")] = None,
    as_user: AsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Offers with their status (and figures, for executive and HR)."""
    with errors(as_json):
        found = run(as_user, lambda s, a: offers.list_offers(s, a, status=status, candidate_id=candidate))
    show(found, as_json, lambda os: table("Offers", ["id", "candidate", "role", "status", "4-year total", "expires"],
                                          [[o.id, o.candidate_name, o.role, o.status, money(o.total_4y),
                                            o.expires_on] for o in os]))


@offer_app.command("threshold")
def offer_threshold(
    amount: Annotated[int | None, typer.Argument(help="New threshold (4-year total); leave out to show it.")] = None,
    as_user: AsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The 4-year total above which only the executive may approve an offer."""
    with errors(as_json):
        found = run(as_user, lambda s, a: policy.set_approval_threshold(s, a, amount) if amount is not None
                    else policy.approval_threshold(s))
    show({"approval_threshold": found}, as_json, lambda v: console.print(
        f"offers above {v['approval_threshold']:,} (4-year total) need the executive's approval"))


def print_plan(p: plan.PlanOut) -> None:
    table("Hiring plan", ["role", "slots", "hired", "offers out", "in pipeline", "budget", "committed", "exposure",
                          "remaining"],
          [[r.role + ("" if r.planned else " (unplanned)"), r.slots, r.hired, r.offers_out, r.in_pipeline,
            money(r.budget), money(r.committed), money(r.exposure), money(r.remaining)] for r in p.roles])
    console.print(f"progress {p.hired} hired of {p.slots} slots ({p.progress:.1%}); budget {money(p.budget_total)}, "
                  f"committed {money(p.committed)}, exposure {money(p.exposure)}, remaining {money(p.remaining)}")


@plan_app.command("show")
def plan_show(as_user: AsOpt = None, as_json: JsonOpt = False) -> None:
    """Slots, hires and pipeline by role; budget, committed spend and exposure (executive and HR)."""
    with errors(as_json):
        found = run(as_user, plan.plan_summary)
    show(found, as_json, print_plan)


@plan_app.command("set")
def plan_set(
    role: Annotated[str, typer.Argument(help="The role, e.g. 'head of research'.")],
    slots: Annotated[int, typer.Option(help="How many people to hire for it.")],
    budget: Annotated[int | None, typer.Option(help="4-year budget for the role.")] = None,
    as_user: AsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Create or change a line of the plan (executive)."""
    with errors(as_json):
        found = run(as_user, lambda s, a: plan.set_role(s, a, role, slots=slots, budget=budget))
    show(found, as_json, lambda r: console.print(f"plan: {r.slots} x {r.role}, budget {money(r.budget)}"))


@plan_app.command("remove")
def plan_remove(role: Annotated[str, typer.Argument(help="The role to take out of the plan.")],
                as_user: AsOpt = None, as_json: JsonOpt = False) -> None:
    """Take a role out of the plan (executive)."""
    with errors(as_json):
        run(as_user, lambda s, a: plan.remove_role(s, a, role))
    show({"removed": role}, as_json, lambda v: console.print(f"removed {v['removed']} from the plan"))


@plan_app.command("rate")
def plan_rate(
    currency: Annotated[str, typer.Argument(help="A 3-letter currency code, e.g. EUR.")],
    rate: Annotated[str, typer.Argument(help="Units of the plan's currency one unit of CURRENCY is worth.")],
    as_user: AsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Set an exchange rate into the plan's currency (executive); offers in a currency without one are refused."""
    with errors(as_json, {"currency": "CURRENCY", "rate": "RATE"}):
        found = run(as_user, lambda s, a: set_rate(s, a, currency, rate))
    show(found, as_json, lambda r: console.print(f"1 {r.currency} = {r.rate} {r.plan_currency}"))


@plan_app.command("rates")
def plan_rates(as_user: AsOpt = None, as_json: JsonOpt = False) -> None:
    """The plan's currency and the exchange rates into it."""
    with errors(as_json):
        found = run(as_user, list_rates)
    show(found, as_json, lambda rs: table("Exchange rates", ["currency", "rate", "set by", "set at"], [
        [r.currency, f"{r.rate} {r.plan_currency}", r.updated_by, r.updated_at] for r in rs]))


@plan_app.command("currency")
def plan_currency(
    currency: Annotated[str, typer.Argument(help="The currency the plan, budgets and threshold are counted in.")],
    as_user: AsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Count the plan in another currency (executive); the rates are re-expressed against it."""
    with errors(as_json, {"currency": "CURRENCY"}):
        found = run(as_user, lambda s, a: set_plan_currency(s, a, currency))
    show(found, as_json, lambda rs: console.print(f"the plan is counted in {rs[0].currency}"))


@plan_app.command("budget")
def plan_budget(amount: Annotated[int, typer.Argument(help="Total 4-year hiring budget.")],
                as_user: AsOpt = None, as_json: JsonOpt = False) -> None:
    """Set the total budget (executive); without it the role budgets add up to the total."""
    with errors(as_json):
        found = run(as_user, lambda s, a: policy.set_budget_total(s, a, amount))
    show({"budget_total": found}, as_json, lambda v: console.print(f"total budget {v['budget_total']:,}"))


DealArg = Annotated[int, typer.Argument(help="The deal's id (see `labscout deal list`).")]


def print_deal(d: deals.DealOut) -> None:
    console.print(f"deal {d.id}: {d.kind} of {d.company}, {d.amount:,} {d.currency}"
                  + (f" for {d.stake_percent}%" if d.stake_percent else "") + f", {d.status}")
    table("Key people", ["candidate", "name", "stage", "hired", "note"],
          [[p.candidate_id, p.name, p.stage, "yes" if p.hired else "", p.note] for p in d.key_people])
    console.print(f"cost per key person {money(d.cost_per_key_person) if d.key_people else '-'}; "
                  f"per key hire {money(d.cost_per_key_hire) if d.cost_per_key_hire else '-'}")


@deal_app.command("add")
def deal_add(
    kind: Annotated[str, typer.Option(help="investment, acquisition, acqui-hire or fund stake.")],
    company: Annotated[str, typer.Option(help="The company.")],
    amount: Annotated[int, typer.Option(help="Amount (whole currency units).")],
    stake: Annotated[str | None, typer.Option(help="Stake in percent.")] = None,
    status: Annotated[str, typer.Option(help="exploring, negotiating, signed, closed or dropped.")] = "exploring",
    notes: Annotated[str | None, typer.Option(help="Notes.")] = None,
    as_user: AsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Record a deal (executive)."""
    with errors(as_json):
        found = run(as_user, lambda s, a: deals.create_deal(s, a, kind=kind, company=company, amount=amount,
                                                            stake_percent=stake, status=status, notes=notes))
    show(found, as_json, print_deal)


@deal_app.command("update")
def deal_update(
    deal_id: DealArg,
    status: Annotated[str | None, typer.Option(help="New status.")] = None,
    amount: Annotated[int | None, typer.Option(help="New amount.")] = None,
    stake: Annotated[str | None, typer.Option(help="New stake in percent.")] = None,
    notes: Annotated[str | None, typer.Option(help="Replace the notes.")] = None,
    version: VersionOpt = None,
    as_user: AsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Change a deal's status, amount, stake or notes (executive)."""
    with errors(as_json):
        found = run(as_user, lambda s, a: deals.update_deal(s, a, deal_id, status=status, amount=amount,
                                                            stake_percent=stake, notes=notes,
                                                            expected_version=version))
    show(found, as_json, print_deal)


@deal_app.command("add-person")
def deal_add_person(
    deal_id: DealArg,
    candidate_id: IdArg,
    note: Annotated[str | None, typer.Option(help="E.g. 'co-founder, CTO'.")] = None,
    as_user: AsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Name a candidate as a key person the deal brings."""
    with errors(as_json):
        found = run(as_user, lambda s, a: deals.add_key_person(s, a, deal_id, candidate_id, note))
    show(found, as_json, print_deal)


@deal_app.command("show")
def deal_show(deal_id: DealArg, as_user: AsOpt = None, as_json: JsonOpt = False) -> None:
    """One deal with its key people and cost per key hire (executive and HR)."""
    with errors(as_json):
        found = run(as_user, lambda s, a: deals.get_deal(s, a, deal_id))
    show(found, as_json, print_deal)


@deal_app.command("list")
def deal_list(
    status: Annotated[str | None, typer.Option(help="Only this status.")] = None,
    as_user: AsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Deals with amount, key people and cost per key hire (executive and HR)."""
    with errors(as_json):
        found = run(as_user, lambda s, a: deals.list_deals(s, a, status=status))
    show(found, as_json, lambda ds: table("Deals", ["id", "kind", "company", "amount", "stake %", "status",
                                                    "key people", "per key hire"],
                                          [[d.id, d.kind, d.company, f"{d.amount:,}", d.stake_percent, d.status,
                                            len(d.key_people),
                                            "-" if d.cost_per_key_hire is None else f"{d.cost_per_key_hire:,}"]
                                           for d in ds]))



