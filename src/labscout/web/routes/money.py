"""Offers, the hiring plan with its budget and approval threshold, and deals: lists and the forms that change them.

Figures are shown to the roles allowed to see them (the services leave them out for the others); every form
takes money as people write it ("750k", "1.2M", "$2,000,000").
"""

from __future__ import annotations

from typing import Annotated, Protocol

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from labscout.api.deps import SignedIn, Unit
from labscout.api.errors import status_of
from labscout.errors import LabScoutError, NotFoundError
from labscout.pipeline import candidates, deals, offers, plan, policy
from labscout.pipeline.roles import Actor, Perm, has
from labscout.web.forms import FormInput, errors_of
from labscout.web.labels import sentence
from labscout.web.render import page_of, paged, render

router = APIRouter(include_in_schema=False)
PER_PAGE = 50


class Page(Protocol):
    def __call__(self, request: Request, unit: Unit, who: Actor, *, failed: str | None = ...,
                 errors: dict[str, str] | None = ..., values: dict[str, str] | None = ...,
                 status: int = ...) -> HTMLResponse: ...


@router.get("/offers", response_class=HTMLResponse)
def offers_page(request: Request, unit: Unit, who: SignedIn, status: str = "", page: str = "1") -> HTMLResponse:
    number = page_of(page)
    found = offers.list_offers(unit, who, status=status or None, limit=PER_PAGE + 1, offset=(number - 1) * PER_PAGE)
    base = f"/offers?status={status}&" if status else "/offers?"
    return render(request, "offers.html", who, **paged(found, number, PER_PAGE, base), status_filter=status,
                  plan=plan.plan_summary(unit, who))


def plan_page(request: Request, unit: Unit, who: Actor, *, failed: str | None = None,
              errors: dict[str, str] | None = None, values: dict[str, str] | None = None,
              status: int = 200) -> HTMLResponse:
    return render(request, "plan.html", who, plan=plan.plan_summary(unit, who),
                  threshold=policy.approval_threshold(unit) if has(who, Perm.SEE_BUDGET) else None,
                  budget_set=policy.budget_total(unit), can_plan=has(who, Perm.EDIT_PLAN),
                  can_configure=has(who, Perm.CONFIGURE), failed=failed, errors=errors or {}, values=values or {},
                  status=status)


@router.get("/plan", response_class=HTMLResponse)
def plan_view(request: Request, unit: Unit, who: SignedIn) -> HTMLResponse:
    return plan_page(request, unit, who)


def _failed(page: Page, request: Request, unit: Unit, who: Actor, form: str, exc: LabScoutError,
            values: dict[str, str]) -> HTMLResponse:
    """`page` again, its form `form` with the message at each wrong field and what was typed."""
    unit.rollback()
    return page(request, unit, who, failed=form, errors=errors_of(exc), values=values, status=status_of(exc)[0])


def _plan_failed(request: Request, unit: Unit, who: Actor, form: str, exc: LabScoutError,
                 values: dict[str, str]) -> HTMLResponse:
    return _failed(plan_page, request, unit, who, form, exc, values)


@router.post("/plan/roles")
def set_role(request: Request, unit: Unit, who: SignedIn, role: Annotated[str, Form()] = "",
             slots: Annotated[str, Form()] = "", budget: Annotated[str, Form()] = "") -> Response:
    form = FormInput({"role": role, "slots": slots, "budget": budget})
    count, money = form.whole("slots", required=True, high=10_000), form.amount("budget")
    form.text("role", required=True, limit=80)
    try:
        form.check()
        assert count is not None
        plan.set_role(unit, who, role, slots=count, budget=money)
    except LabScoutError as exc:
        return _plan_failed(request, unit, who, "role", exc, form.values)
    return RedirectResponse("/plan#roles", status_code=303)


@router.post("/plan/roles/remove")
def remove_role(request: Request, unit: Unit, who: SignedIn, role: Annotated[str, Form()] = "") -> Response:
    try:
        plan.remove_role(unit, who, role)
    except LabScoutError as exc:
        return _plan_failed(request, unit, who, "remove", exc, {"role": role})
    return RedirectResponse("/plan#roles", status_code=303)


# The team-wide amounts of the plan page: each form sets one (the total budget; the approval threshold).
AMOUNTS = {"budget": policy.set_budget_total, "threshold": policy.set_approval_threshold}


@router.post("/plan/{which}")
def set_amount(request: Request, unit: Unit, who: SignedIn, which: str, amount: Annotated[str, Form()] = "",
               ) -> Response:
    form = FormInput({"amount": amount})
    value = form.amount("amount", required=True)
    try:
        if which not in AMOUNTS:
            raise NotFoundError(f"the plan has no setting '{which}'")
        form.check()
        assert value is not None
        AMOUNTS[which](unit, who, value)
    except LabScoutError as exc:
        return _plan_failed(request, unit, who, which, exc, form.values)
    return RedirectResponse(f"/plan#{which}", status_code=303)


def deals_page(request: Request, unit: Unit, who: Actor, *, failed: str | None = None,
               errors: dict[str, str] | None = None, values: dict[str, str] | None = None,
               status: int = 200, page: int = 1) -> HTMLResponse:
    allowed = has(who, Perm.SEE_DEALS)
    people = candidates.list_candidates(unit, who, limit=500) if has(who, Perm.EDIT_DEALS) else []
    found = deals.list_deals(unit, who, limit=PER_PAGE + 1, offset=(page - 1) * PER_PAGE) if allowed else []
    shown = paged(found, page, PER_PAGE, "/deals?")
    return render(request, "deals.html", who, deals=shown["rows"], page=page, has_more=shown["has_more"],
                  base=shown["base"], allowed=allowed,
                  can_edit=has(who, Perm.EDIT_DEALS), kind_options=[(k, sentence(k)) for k in deals.KINDS],
                  status_options=[(s, sentence(s)) for s in deals.STATUSES],
                  people_options=[(str(c.id), f"{c.name} (candidate {c.id})") for c in people],
                  failed=failed, errors=errors or {}, values=values or {}, status=status)


@router.get("/deals", response_class=HTMLResponse)
def deals_view(request: Request, unit: Unit, who: SignedIn, page: str = "1") -> HTMLResponse:
    return deals_page(request, unit, who, page=page_of(page))


def _deal_failed(request: Request, unit: Unit, who: Actor, form: str, exc: LabScoutError,
                 values: dict[str, str]) -> HTMLResponse:
    return _failed(deals_page, request, unit, who, form, exc, values)


@router.post("/deals")
def create_deal(request: Request, unit: Unit, who: SignedIn, kind: Annotated[str, Form()] = "",
                company: Annotated[str, Form()] = "", amount: Annotated[str, Form()] = "",
                stake_percent: Annotated[str, Form()] = "", status: Annotated[str, Form()] = "exploring",
                notes: Annotated[str, Form()] = "") -> Response:
    form = FormInput({"kind": kind, "company": company, "amount": amount, "stake_percent": stake_percent,
                      "status": status, "notes": notes})
    money = form.amount("amount", required=True)
    form.text("company", required=True, limit=200)
    form.text("notes", limit=10_000)
    try:
        form.check()
        assert money is not None
        deals.create_deal(unit, who, kind=kind, company=company, amount=money,
                          stake_percent=stake_percent.strip().rstrip("%") or None, status=status,
                          notes=notes or None)
    except LabScoutError as exc:
        return _deal_failed(request, unit, who, "deal", exc, form.values)
    return RedirectResponse("/deals", status_code=303)


@router.post("/deals/{deal_id}")
def update_deal(request: Request, unit: Unit, who: SignedIn, deal_id: int, status: Annotated[str, Form()] = "",
                amount: Annotated[str, Form()] = "", stake_percent: Annotated[str, Form()] = "",
                version: Annotated[str, Form()] = "") -> Response:
    form = FormInput({"status": status, "amount": amount, "stake_percent": stake_percent, "version": version})
    money, seen = form.amount("amount"), form.whole("version")
    try:
        form.check()
        deals.update_deal(unit, who, deal_id, status=status or None, amount=money,
                          stake_percent=stake_percent.strip().rstrip("%") or None, expected_version=seen)
    except LabScoutError as exc:
        return _deal_failed(request, unit, who, f"deal-{deal_id}", exc, form.values)
    return RedirectResponse(f"/deals#deal-{deal_id}", status_code=303)


@router.post("/deals/{deal_id}/people")
def add_key_person(request: Request, unit: Unit, who: SignedIn, deal_id: int,
                   candidate_id: Annotated[str, Form()] = "", note: Annotated[str, Form()] = "") -> Response:
    form = FormInput({"candidate_id": candidate_id, "note": note})
    cid = form.whole("candidate_id", required=True, low=1)
    form.text("note", limit=300)
    try:
        form.check()
        assert cid is not None
        deals.add_key_person(unit, who, deal_id, cid, note or None)
    except LabScoutError as exc:
        return _deal_failed(request, unit, who, f"people-{deal_id}", exc, form.values)
    return RedirectResponse(f"/deals#deal-{deal_id}", status_code=303)
