"""Web pages: each calls the same services as its API twin and renders a template."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from markupsafe import escape

from labscout.api.auth import COOKIE
from labscout.api.deps import Found, SignedIn, Unit, resources, session_data
from labscout.api.routers.session import sign_in
from labscout.errors import ForbiddenError, LabScoutError, NotFoundError
from labscout.pipeline import activities, candidates, deals, offers, outreach, overview, plan, stages
from labscout.pipeline.candidates import CandidateIn
from labscout.pipeline.roles import Perm, has
from labscout.talent import moves, search, views
from labscout.team import costs, coverage, needs
from labscout.web import charts, labels
from labscout.web.labels import stage as stage_label

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
templates.env.filters.update(labels.FILTERS)
router = APIRouter(include_in_schema=False)


def render(request: Request, name: str, who: Any = None, **context: Any) -> HTMLResponse:
    data = session_data(request)
    return templates.TemplateResponse(request, name, {"who": who, "csrf": data.csrf if data else "", **context})


def error_page(request: Request, status: int, title: str, detail: str) -> Response:
    if status == 401:
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
    response = render(request, "error.html", title=title, detail=detail, status=status)
    response.status_code = status
    return response


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "/") -> HTMLResponse:
    return render(request, "login.html", next=next if next.startswith("/") else "/")


@router.post("/login")
def login(request: Request, unit: Unit, email: Annotated[str, Form()], password: Annotated[str, Form()],
          next: Annotated[str, Form()] = "/") -> Response:
    target = next if next.startswith("/") and not next.startswith("//") else "/"
    response = RedirectResponse(target, status_code=303)
    try:
        sign_in(request, response, unit, email, password)
    except ForbiddenError as exc:
        page = render(request, "login.html", next=target, error=str(exc), email=email)
        page.status_code = 403
        return page
    return response


@router.post("/logout")
def logout(who: SignedIn) -> Response:
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


@router.get("/", response_class=HTMLResponse)
def dashboard(request: Request, unit: Unit, who: SignedIn) -> Response:
    if not has(who, Perm.VIEW_PIPELINE):
        return RedirectResponse("/search", status_code=303)  # discovery only
    lines = overview.funnel(unit, who)
    summary = plan.plan_summary(unit, who)
    topics: list[coverage.TopicCoverage] = []
    topics_note = None
    if needs.list_needs(unit, who):  # the research store is opened only when there is something to cover
        try:
            found = resources(request).discovery()
            topics = coverage.topic_coverage(unit, who, found.store, found.talent)
        except NotFoundError as exc:  # no research store yet: the rest of the dashboard still shows
            topics_note = str(exc)
    return render(request, "dashboard.html", who, coverage=topics, coverage_note=topics_note,
                  funnel=charts.bars([(line.stage, line.candidates) for line in lines]),
                  days=charts.bars([(line.stage, line.median_days) for line in lines if line.median_days is not None],
                                   unit=" d"),
                  plan=summary, progress=[charts.progress(r.role, r.hired, r.slots) for r in summary.roles],
                  overall=charts.progress("all roles", summary.hired, summary.slots),
                  feed=activities.feed(unit, who, limit=15), candidates=sum(line.candidates for line in lines))


@router.get("/search", response_class=HTMLResponse)
def search_page(request: Request, found: Found, unit: Unit, who: SignedIn, q: str = "", org: str = "",
                org_kind: str = "", country: str = "", since: str = "", seniority: str = "",
                exclude_org: str = "") -> HTMLResponse:
    hits: list[search.ExpertHit] = []
    error = None
    if q.strip():
        filters = search.SearchFilters(org=org or None, org_kind=org_kind or None, country=country or None,
                                       since=int(since) if since.strip().isdigit() else None,
                                       seniority=seniority or None, exclude_org=exclude_org or None)
        try:
            hits = search.find_experts(found.store, found.talent, q, top=25, filters=filters)
        except LabScoutError as exc:
            error = str(exc)
    linked = overview.candidates_for_people(unit, who, [h.person_id for h in hits]) \
        if has(who, Perm.VIEW_PIPELINE) else {}
    return render(request, "search.html", who, q=q, hits=hits, error=error, linked=linked,
                  can_add=has(who, Perm.EDIT_CANDIDATES),
                  form={"org": org, "org_kind": org_kind, "country": country, "since": since,
                        "seniority": seniority, "exclude_org": exclude_org})


@router.post("/pipeline/add", response_class=HTMLResponse)
def add_to_pipeline(request: Request, unit: Unit, found: Found, who: SignedIn, person_id: Annotated[str, Form()],
                    role: Annotated[str, Form()] = "researcher", source_detail: Annotated[str, Form()] = "",
                    ) -> HTMLResponse:
    try:
        made = candidates.add_from_person(unit, who, found.store, person_id, CandidateIn(
            target_role=role, source="search", source_detail=source_detail or None))
    except candidates.AlreadyCandidateError as exc:
        c = exc.existing
        return HTMLResponse(f'<span class="warning already">Already in the pipeline: <a class="existing" '
                            f'href="/candidates/{c.id}">{escape(c.name)}, candidate {c.id} '
                            f'({escape(stage_label(c.stage))})</a></span>')
    return HTMLResponse(f'<a class="added" href="/candidates/{made.id}">In pipeline: '
                        f'{escape(stage_label(made.stage))}</a>')


@router.get("/people/{person_id}", response_class=HTMLResponse)
def person_page(request: Request, found: Found, unit: Unit, who: SignedIn, person_id: str,
                via_org: str = "") -> HTMLResponse:
    view = views.person_view(found.store, person_id, explain=True, via_org=via_org or None, ties=True)
    pid = view.person.person_id
    close = [(c.person_id, c.name, float(c.joint_papers)) for c in view.coauthors]
    found_card = overview.candidates_for_people(unit, who, [pid]) if has(who, Perm.VIEW_PIPELINE) else {}
    return render(request, "person.html", who, v=view, via_org=via_org,
                  network=charts.network(pid, close, view.ties), candidate=list(found_card.values()))


@router.get("/orgs/{org}", response_class=HTMLResponse)
def org_page(request: Request, found: Found, who: SignedIn, org: str) -> HTMLResponse:
    view = views.org_view(found.store, org, flows=30)
    return render(request, "org.html", who, o=view,
                  chart=charts.flows([(f.from_org, f.to_org, f.people) for f in view.flows]))


@router.get("/flows", response_class=HTMLResponse)
def flows_page(request: Request, found: Found, who: SignedIn, since: int = 2022, min_people: int = 3) -> HTMLResponse:
    found_flows = moves.list_flows(found.store, since=since, min_people=min_people, limit=40)
    merged: Counter[tuple[str, str]] = Counter()
    for f in found_flows:
        merged[(f.from_org, f.to_org)] += f.people
    return render(request, "flows.html", who, flows=found_flows, since=since, min_people=min_people,
                  chart=charts.flows([(a, b, n) for (a, b), n in merged.most_common(25)]))


@router.get("/board", response_class=HTMLResponse)
def board(request: Request, unit: Unit, who: SignedIn) -> HTMLResponse:
    return render(request, "board.html", who, **_board(unit, who))


def _board(unit: Unit, who: SignedIn) -> dict[str, Any]:
    columns, sizes = overview.board(unit, who)
    return {"columns": columns, "sizes": sizes, "can_edit": has(who, Perm.EDIT_CANDIDATES)}


@router.post("/board/move", response_class=HTMLResponse)
def board_move(request: Request, unit: Unit, who: SignedIn, candidate_id: Annotated[int, Form()],
               stage: Annotated[str, Form()], version: Annotated[int, Form()],
               reason: Annotated[str, Form()] = "") -> HTMLResponse:
    candidates.move_stage(unit, who, candidate_id, stage, expected_version=version, reason=reason or None)
    return render(request, "board_columns.html", who, **_board(unit, who))


@router.get("/candidates/{candidate_id}", response_class=HTMLResponse)
def candidate_page(request: Request, found: Found, unit: Unit, who: SignedIn, candidate_id: int,
                   template: str = "") -> HTMLResponse:
    c = candidates.get_candidate(unit, who, candidate_id)
    can_send = has(who, Perm.SEND_OUTREACH)
    # A draft for a human to read and edit: nothing is sent until they press Send.
    draft = outreach.compose(unit, who, candidate_id, template, store=found.store) if template and can_send else None
    return render(request, "candidate.html", who, c=c, timeline=activities.timeline(unit, who, candidate_id),
                  templates=[t.name for t in outreach.list_templates(unit, who)] if can_send else [],
                  draft=draft, can_send=can_send,
                  offers=offers.list_offers(unit, who, candidate_id=candidate_id),
                  team_cost=costs.get_cost(unit, who, candidate_id),
                  can_draft=has(who, Perm.DRAFT_OFFERS), can_approve=has(who, Perm.APPROVE_OFFERS),
                  stages=[s.name for s in stages.list_stages(unit)],
                  today=date.today(), later=date.today() + timedelta(days=60))


@router.post("/candidates/{candidate_id}/notes")
def post_note(unit: Unit, who: SignedIn, candidate_id: int, text: Annotated[str, Form()]) -> Response:
    activities.comment(unit, who, candidate_id, text)
    return RedirectResponse(f"/candidates/{candidate_id}#discussion", status_code=303)


@router.post("/candidates/{candidate_id}/activities")
def log_activity(unit: Unit, who: SignedIn, candidate_id: int, kind: Annotated[str, Form()],
                 subject: Annotated[str, Form()] = "", place: Annotated[str, Form()] = "",
                 attendees: Annotated[str, Form()] = "", body: Annotated[str, Form()] = "") -> Response:
    activities.log_activity(unit, who, candidate_id, kind, subject=subject or None, body=body or None,
                            place=place or None, attendees=[a for a in attendees.split(",") if a.strip()])
    return RedirectResponse(f"/candidates/{candidate_id}#timeline", status_code=303)


@router.post("/candidates/{candidate_id}/email")
def send_email(request: Request, unit: Unit, who: SignedIn, candidate_id: int, subject: Annotated[str, Form()],
               body: Annotated[str, Form()], to: Annotated[str, Form()] = "",
               template: Annotated[str, Form()] = "") -> Response:
    smtp = resources(request).settings.smtp
    outreach.send_email(unit, who, candidate_id, subject=subject, body=body, smtp=smtp, to=to or None,
                        template=template or None)
    return RedirectResponse(f"/candidates/{candidate_id}#timeline", status_code=303)


@router.post("/candidates/{candidate_id}/offers")
def draft_offer(unit: Unit, who: SignedIn, candidate_id: int, base: Annotated[int, Form()],
                start_date: Annotated[date, Form()], expires_on: Annotated[date, Form()],
                bonus: Annotated[int, Form()] = 0, signing: Annotated[int, Form()] = 0,
                equity_value: Annotated[int, Form()] = 0, gpus: Annotated[int, Form()] = 0) -> Response:
    offers.create_offer(unit, who, candidate_id, offers.OfferIn(
        base=base, start_date=start_date, expires_on=expires_on, bonus=bonus, signing=signing,
        equity_value=equity_value, gpus=gpus))
    return RedirectResponse(f"/candidates/{candidate_id}#offers", status_code=303)


@router.post("/offers/{offer_id}/{step}")
def offer_step(unit: Unit, who: SignedIn, offer_id: int, step: str, version: Annotated[int, Form()],
               reason: Annotated[str, Form()] = "") -> Response:
    done = offers.step(unit, who, offer_id, step, reason=reason, expected_version=version)
    return RedirectResponse(f"/candidates/{done.candidate_id}#offers", status_code=303)


@router.get("/offers", response_class=HTMLResponse)
def offers_page(request: Request, unit: Unit, who: SignedIn) -> HTMLResponse:
    return render(request, "offers.html", who, offers=offers.list_offers(unit, who), plan=plan.plan_summary(unit, who))


@router.get("/deals", response_class=HTMLResponse)
def deals_page(request: Request, unit: Unit, who: SignedIn) -> HTMLResponse:
    shown = deals.list_deals(unit, who) if has(who, Perm.SEE_DEALS) else []
    return render(request, "deals.html", who, deals=shown, allowed=has(who, Perm.SEE_DEALS))

