"""Team pages: the proposed slate with what-ifs, costs and chances, the floor map; each calls the team services."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from labscout.api.deps import Found, SignedIn, Unit
from labscout.errors import InvalidError, NotFoundError
from labscout.kit import money
from labscout.kit.text import is_digits
from labscout.pipeline import stages
from labscout.pipeline.roles import Perm, has
from labscout.team import costs, needs, proposals, seating
from labscout.web.floormap import floor_map
from labscout.web.render import render

router = APIRouter(include_in_schema=False)
MAX_FLOOR_BYTES = 1_000_000


def _amount(value: str, field: str) -> int | None:
    """Money as people write it (750k, 1.2M, $2,000,000); '' is none."""
    if not value.strip():
        return None
    try:
        return money.parse_amount(value)
    except money.AmountError as exc:
        raise InvalidError(f"{field}: {exc}", field=field) from None


def _int(value: str, field: str) -> int | None:
    """A whole amount as people type it (commas, spaces, underscores); '' is none."""
    text = value.strip().replace(",", "").replace("_", "").replace(" ", "")
    if not text:
        return None
    if not is_digits(text.lstrip("-")) or len(text) > 15:
        raise InvalidError(f"{field}: '{value}' is not a whole number", field=field)
    return int(text)


def _chance(value: str) -> float | None:
    """A chance as people type it: 0.35 or 35%; '' is none."""
    text = value.strip()
    if not text:
        return None
    try:
        return float(text.rstrip("%")) / (100 if text.endswith("%") else 1)
    except ValueError:
        raise InvalidError(f"chance: '{value}' is not a number (0.35 or 35%)", field="chance") from None


def _roles(text: str) -> dict[str, float]:
    """'researcher, head of research=2' into role -> weight."""
    found = {}
    for part in text.split(","):
        role, _, weight = part.partition("=")
        if not role.strip():
            continue
        try:
            found[role.strip()] = float(weight) if weight.strip() else 1.0
        except ValueError:
            raise InvalidError(f"roles: '{part.strip()}' needs a number after =", field="roles") from None
    return found


@router.get("/team", response_class=HTMLResponse)
def team_page(request: Request, found: Found, unit: Unit, who: SignedIn, plus_budget: str = "",
              plus_slot: str = "", without: str = "", max_per_org: str = "") -> HTMLResponse:
    options = proposals.SlateOptions(max_per_org=_int(max_per_org, "max_per_org"))
    change = proposals.WhatIf(_amount(plus_budget, "plus_budget") or 0, plus_slot.strip() or None,
                              _int(without, "without"))
    if change.plus_budget or change.plus_slot or change.without is not None:
        what = proposals.what_if(unit, who, found.store, found.talent, change, options)
        slate = what.proposal
    else:
        what, slate = None, proposals.propose_team(unit, who, found.store, found.talent, options)
    return render(request, "team.html", who, slate=slate, what=what, needs=needs.list_needs(unit, who),
                  rules=needs.get_rules(unit, who), can_plan=has(who, Perm.EDIT_PLAN),
                  money=not slate.redacted, form={"max_per_org": max_per_org})


@router.post("/team/topics")
def set_topic(unit: Unit, who: SignedIn, topic: Annotated[str, Form(max_length=300)],
              roles: Annotated[str, Form(max_length=2000)] = "",
              min_people: Annotated[str, Form(max_length=10)] = "") -> Response:
    needs.set_need(unit, who, topic, roles=_roles(roles), min_people=_int(min_people, "min_people"))
    return RedirectResponse("/team#needs", status_code=303)


@router.post("/team/topics/remove")
def remove_topic(unit: Unit, who: SignedIn, topic: Annotated[str, Form(max_length=300)]) -> Response:
    needs.remove_need(unit, who, topic)
    return RedirectResponse("/team#needs", status_code=303)


@router.post("/team/rules")
def set_rules(unit: Unit, who: SignedIn, max_per_org: Annotated[str, Form(max_length=10)] = "",
              expert_top: Annotated[str, Form(max_length=10)] = "") -> Response:
    cap = _int(max_per_org, "max_per_org")
    needs.set_rules(unit, who, max_per_org=cap, no_org_cap=cap is None, expert_top=_int(expert_top, "expert_top"))
    return RedirectResponse("/team#needs", status_code=303)


@router.get("/team/costs", response_class=HTMLResponse)
def costs_page(request: Request, unit: Unit, who: SignedIn) -> HTMLResponse:
    return render(request, "team_costs.html", who, rows=costs.list_costs(unit, who),
                  chances=costs.list_chances(unit, who), can_cost=has(who, Perm.DRAFT_OFFERS),
                  can_chance=has(who, Perm.EDIT_CANDIDATES), can_configure=has(who, Perm.CONFIGURE))


@router.post("/team/costs/{candidate_id}")
def set_estimate(unit: Unit, who: SignedIn, candidate_id: int, version: Annotated[int, Form()],
                 cost: Annotated[str, Form(max_length=20)] = "", currency: Annotated[str, Form(max_length=3)] = "",
                 chance: Annotated[str, Form(max_length=10)] = "", rule: Annotated[str, Form(max_length=3)] = "-",
                 ) -> Response:
    if not 1 <= candidate_id <= 2_147_483_647:
        raise NotFoundError(f"no candidate with id {candidate_id}", field="candidate_id")
    clear: list[str] = []
    amount = _amount(cost, "cost") if has(who, Perm.DRAFT_OFFERS) else None
    if has(who, Perm.DRAFT_OFFERS) and amount is None:
        clear.append("cost")
    share = _chance(chance)
    if share is None and has(who, Perm.EDIT_CANDIDATES):
        clear.append("chance")
    picked_rule = rule.strip() if rule.strip() in ("in", "out") else None
    if has(who, Perm.DRAFT_OFFERS) and picked_rule is None:
        clear.append("rule")
    costs.set_estimate(unit, who, candidate_id, costs.EstimateIn(
        cost=amount, currency=currency.strip() or None if amount is not None else None, chance=share,
        rule=picked_rule, clear=tuple(clear)), expected_version=version)
    return RedirectResponse(f"/team/costs#c{candidate_id}", status_code=303)


@router.post("/team/chances/{stage}")
def set_chance(unit: Unit, who: SignedIn, stage: str, chance: Annotated[str, Form(max_length=10)] = "") -> Response:
    costs.set_chance(unit, who, stages.get_stage(unit, stage[:40]).name, _chance(chance))
    return RedirectResponse("/team/costs#chances", status_code=303)


@router.get("/seating", response_class=HTMLResponse)
def seating_page(request: Request, unit: Unit, who: SignedIn, floor: str = "") -> HTMLResponse:
    try:
        shown = seating.get_seating(unit, who, floor[:120] or None)
    except NotFoundError:
        if floor:
            raise
        shown = None
    return render(request, "seating.html", who, seating=shown, floors=seating.list_floors(unit, who),
                  picture=floor_map(shown) if shown else None, can_plan=has(who, Perm.EDIT_PLAN))


@router.post("/seating/floors")
async def upload_floor(found: Found, unit: Unit, who: SignedIn, floor: UploadFile,
                       name: Annotated[str, Form(max_length=120)] = "",
                       assign: Annotated[str, Form(max_length=5)] = "") -> Response:
    data = await floor.read(MAX_FLOOR_BYTES + 1)
    if len(data) > MAX_FLOOR_BYTES:
        raise InvalidError(f"floor: at most {MAX_FLOOR_BYTES:,} bytes", field="floor")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidError("floor: the file is not UTF-8 text", field="floor") from None
    file = (floor.filename or "floor.csv")[:300]
    title = name.strip() or file.rsplit("/", 1)[-1].rsplit(".", 1)[0] or "floor"
    if assign:
        out = await run_in_threadpool(seating.seat_floor, unit, who, found.store, found.talent, title, csv_text=text,
                                      file=file)
    else:
        out = await run_in_threadpool(seating.save_floor, unit, who, title, text, file=file)
    return RedirectResponse(f"/seating?floor={quote(out.floor)}", status_code=303)


@router.post("/seating/assign")
def assign_seats(found: Found, unit: Unit, who: SignedIn, floor: Annotated[str, Form(max_length=120)],
                 tolerance: Annotated[str, Form(max_length=10)] = "0.05") -> Response:
    try:
        share = float(tolerance)
    except ValueError:
        raise InvalidError(f"tolerance: '{tolerance}' is not a number", field="tolerance") from None
    out = seating.seat_floor(unit, who, found.store, found.talent, floor, tolerance=share)
    return RedirectResponse(f"/seating?floor={quote(out.floor)}", status_code=303)
