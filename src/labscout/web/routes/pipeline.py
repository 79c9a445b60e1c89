"""Pipeline pages: dashboard, board, candidates, a candidate's page and its forms, mentions, the team feed.

A form comes back to its page with a message at each wrong field and what was typed kept (status 422, or 409
for a change someone made meanwhile); nothing here answers a browser with JSON.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from labscout.api.deps import Found, SignedIn, Unit, resources
from labscout.api.errors import status_of
from labscout.errors import LabScoutError, NotFoundError
from labscout.pipeline import activities, candidates, offers, outreach, overview, plan, stages, users
from labscout.pipeline.candidates import CandidateIn
from labscout.pipeline.db import units_of
from labscout.pipeline.roles import Actor, Perm, has
from labscout.team import costs, coverage, needs
from labscout.web import charts
from labscout.web.forms import FormInput, errors_of
from labscout.web.labels import stage as stage_label
from labscout.web.render import page_of, paged, render

router = APIRouter(include_in_schema=False)
PER_PAGE = 50
TIMELINE_PAGE = 30
ROLES = ("researcher", "research engineer", "head of research", "research manager", "infrastructure engineer")


def _status(exc: LabScoutError) -> int:
    return status_of(exc)[0]


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
                  feed=activities.feed(unit, who, limit=15), candidates=sum(line.candidates for line in lines),
                  can_plan=has(who, Perm.EDIT_PLAN))


@router.get("/feed", response_class=HTMLResponse)
def feed_page(request: Request, unit: Unit, who: SignedIn, page: str = "1") -> HTMLResponse:
    number = page_of(page)
    found = activities.feed(unit, who, limit=PER_PAGE + 1, offset=(number - 1) * PER_PAGE)
    return render(request, "feed.html", who, **paged(found, number, PER_PAGE, "/feed?"))


# The board: drag a card to another column. A move made on a stale card (someone moved it meanwhile) is a 409
# whose answer is the board as it is now, with who moved the card and where it is.

@router.get("/board", response_class=HTMLResponse)
def board(request: Request, unit: Unit, who: SignedIn) -> HTMLResponse:
    return render(request, "board.html", who, **_board(unit, who))


def _board(unit: Unit, who: Actor) -> dict[str, Any]:
    columns, sizes = overview.board(unit, who)
    known = stages.list_stages(unit)
    options = [("none", "no stage: they stay where they are")] + [(s.name, stage_label(s.name)) for s in known
                                                                    if s.outcome == "open"]
    return {"columns": columns, "sizes": sizes, "outcomes": {s.name: s.outcome for s in known},
            "can_edit": has(who, Perm.EDIT_CANDIDATES), "can_configure": has(who, Perm.CONFIGURE),
            "outreach_stage": stages.outreach_stage(unit), "outreach_options": options}


@router.post("/board/move", response_class=HTMLResponse)
def board_move(request: Request, unit: Unit, who: SignedIn, candidate_id: Annotated[str, Form()] = "",
               stage: Annotated[str, Form()] = "", version: Annotated[str, Form()] = "",
               reason: Annotated[str, Form()] = "") -> HTMLResponse:
    form = FormInput({"candidate_id": candidate_id, "version": version})
    cid, seen = form.whole("candidate_id", required=True, low=1), form.whole("version", required=True)
    notice, status = None, 200
    try:
        form.check()
        assert cid is not None and seen is not None
        candidates.move_stage(unit, who, cid, stage, expected_version=seen, reason=reason or None)
    except LabScoutError as exc:
        unit.rollback()
        notice, status = "; ".join(errors_of(exc).values()), _status(exc)
    return render(request, "board_columns.html", who, notice=notice, moved=True, status=status, **_board(unit, who))


@router.post("/board/outreach-stage")
def set_outreach_stage(request: Request, unit: Unit, who: SignedIn,
                       outreach_stage: Annotated[str, Form()] = "") -> Response:
    try:
        stages.set_outreach_stage(unit, who, outreach_stage or None)
    except LabScoutError as exc:
        return render(request, "board.html", who, failed="settings", errors=errors_of(exc), status=_status(exc),
                      **_board(unit, who))
    return RedirectResponse("/board", status_code=303)


@router.get("/candidates", response_class=HTMLResponse)
def candidates_page(request: Request, unit: Unit, who: SignedIn, stage: str = "", role: str = "", tag: str = "",
                    text: str = "", owner: str = "", page: str = "1") -> HTMLResponse:
    form = {"stage": stage, "role": role, "tag": tag, "text": text, "owner": owner}
    number = page_of(page)
    errors: dict[str, str] = {}
    found: list[candidates.CandidateOut] = []
    try:
        found = candidates.list_candidates(unit, who, stage=stage or None, role=role or None, tag=tag or None,
                                           text=text[:200] or None, owner_email=owner or None,
                                           limit=PER_PAGE + 1, offset=(number - 1) * PER_PAGE)
    except LabScoutError as exc:
        errors = errors_of(exc)
    base = "/candidates?" + urlencode({k: v for k, v in form.items() if v}) + "&"
    return render(request, "candidates.html", who, **paged(found, number, PER_PAGE, base), form=form, values=form,
                  failed="filter",
                  errors=errors, stage_options=[(s.name, stage_label(s.name)) for s in stages.list_stages(unit)],
                  status=422 if errors else 200)


# A candidate's page, and every form on it.

def candidate_page(request: Request, found: Found, unit: Unit, who: Actor, candidate_id: int, *,
                   template: str = "", timeline_page: int = 1, failed: str | None = None,
                   errors: dict[str, str] | None = None, values: dict[str, str] | None = None,
                   status: int = 200) -> HTMLResponse:
    c = candidates.get_candidate(unit, who, candidate_id)
    can_send = has(who, Perm.SEND_OUTREACH)
    draft = None
    if can_send and template:
        try:  # a draft for a human to read and edit: nothing is sent until they press Send
            draft = outreach.compose(unit, who, candidate_id, template, store=found.store)
        except LabScoutError as exc:
            failed, errors, status = "outreach", errors_of(exc), _status(exc)
    entries = activities.timeline(unit, who, candidate_id, newest_first=True, limit=TIMELINE_PAGE + 1,
                                  offset=(timeline_page - 1) * TIMELINE_PAGE)
    today = date.today()
    team = users.list_users(unit, who)
    owner_options = [("", "nobody")] + [(u.email, u.name) for u in team if u.active or u.id == c.owner_id]
    return render(request, "candidate.html", who, c=c, owner_options=owner_options,
                  owner_email=next((u.email for u in team if u.id == c.owner_id), ""),
                  **paged(entries, timeline_page, TIMELINE_PAGE, f"/candidates/{c.id}?"),
                  templates=[t.name for t in outreach.list_templates(unit, who)] if can_send else [],
                  draft=draft, can_send=can_send, can_edit=has(who, Perm.EDIT_CANDIDATES),
                  offers=offers.list_offers(unit, who, candidate_id=candidate_id),
                  team_cost=costs.get_cost(unit, who, candidate_id),
                  can_draft=has(who, Perm.DRAFT_OFFERS), roles=ROLES,
                  stages=[s.name for s in stages.list_stages(unit)], today=today, start=today + timedelta(days=60),
                  expires=today + timedelta(days=30), failed=failed, errors=errors or {}, values=values or {},
                  status=status)


@router.get("/candidates/{candidate_id}", response_class=HTMLResponse)
def candidate_view(request: Request, found: Found, unit: Unit, who: SignedIn, candidate_id: int,
                   template: str = "", page: str = "1") -> HTMLResponse:
    return candidate_page(request, found, unit, who, candidate_id, template=template, timeline_page=page_of(page))


def _back(candidate_id: int, anchor: str) -> Response:
    return RedirectResponse(f"/candidates/{candidate_id}#{anchor}", status_code=303)


@router.post("/candidates/{candidate_id}/edit")
def edit_candidate(request: Request, found: Found, unit: Unit, who: SignedIn, candidate_id: int,
                   name: Annotated[str, Form()] = "", target_role: Annotated[str, Form()] = "",
                   email: Annotated[str, Form()] = "", affiliation: Annotated[str, Form()] = "",
                   owner_email: Annotated[str, Form()] = "", priority: Annotated[str, Form()] = "",
                   tags: Annotated[str, Form()] = "", notes: Annotated[str, Form()] = "",
                   version: Annotated[str, Form()] = "") -> Response:
    form = FormInput({"name": name, "target_role": target_role, "email": email, "affiliation": affiliation,
                      "owner_email": owner_email, "priority": priority, "tags": tags, "notes": notes,
                      "version": version})
    rank = form.whole("priority", required=True, low=1, high=5)
    seen = form.whole("version", required=True)
    form.text("name", required=True, limit=200)
    form.text("target_role", required=True, limit=80)
    form.text("notes", limit=10_000)
    try:
        form.check()
        candidates.update_candidate(unit, who, candidate_id, CandidateIn(
            name=name, target_role=target_role, email=email, affiliation=affiliation, owner_email=owner_email,
            priority=rank, tags=[t for t in tags.split(",") if t.strip()], notes=notes), expected_version=seen)
    except LabScoutError as exc:
        unit.rollback()
        return candidate_page(request, found, unit, who, candidate_id, failed="edit", errors=errors_of(exc),
                              values=form.values, status=_status(exc))
    return _back(candidate_id, "details")


@router.post("/candidates/{candidate_id}/notes")
def post_note(request: Request, found: Found, unit: Unit, who: SignedIn, candidate_id: int,
              text: Annotated[str, Form()] = "") -> Response:
    form = FormInput({"text": text})
    form.text("text", required=True, limit=10_000)
    try:
        form.check()
        activities.comment(unit, who, candidate_id, text)
    except LabScoutError as exc:
        unit.rollback()
        return candidate_page(request, found, unit, who, candidate_id, failed="note", errors=errors_of(exc),
                              values=form.values, status=_status(exc))
    return _back(candidate_id, "discussion")


@router.post("/candidates/{candidate_id}/activities")
def log_activity(request: Request, found: Found, unit: Unit, who: SignedIn, candidate_id: int,
                 kind: Annotated[str, Form()] = "", subject: Annotated[str, Form()] = "",
                 place: Annotated[str, Form()] = "", attendees: Annotated[str, Form()] = "",
                 body: Annotated[str, Form()] = "", occurred_at: Annotated[str, Form()] = "") -> Response:
    form = FormInput({"kind": kind, "subject": subject, "place": place, "attendees": attendees, "body": body,
                      "occurred_at": occurred_at})
    when = form.moment("occurred_at")
    form.text("subject", limit=300)
    form.text("place", limit=300)
    form.text("body", limit=20_000)
    try:
        form.check()
        activities.log_activity(unit, who, candidate_id, kind, subject=subject or None, body=body or None,
                                place=place or None, attendees=[a for a in attendees.split(",") if a.strip()],
                                occurred_at=when)
    except LabScoutError as exc:
        unit.rollback()
        return candidate_page(request, found, unit, who, candidate_id, failed="activity", errors=errors_of(exc),
                              values=form.values, status=_status(exc))
    return _back(candidate_id, "timeline")


@router.post("/candidates/{candidate_id}/email")
def send_email(request: Request, found: Found, unit: Unit, who: SignedIn, candidate_id: int,
               subject: Annotated[str, Form()] = "", body: Annotated[str, Form()] = "",
               to: Annotated[str, Form()] = "", template: Annotated[str, Form()] = "") -> Response:
    form = FormInput({"subject": subject, "body": body, "to": to, "template": template})
    engine = resources(request).engine
    try:
        draft = outreach.compose(unit, who, candidate_id, template, store=found.store) if template else None
        unit.rollback()  # read only: let the sending flow take its own transactions
        outreach.send_email(units_of(engine), who, candidate_id, subject=subject, body=body,
                            smtp=resources(request).settings.smtp, to=to or None, template=template or None,
                            evidence=draft.evidence if draft else None)
    except LabScoutError as exc:
        return candidate_page(request, found, unit, who, candidate_id, template=template, failed="outreach",
                              errors=errors_of(exc), values=form.values, status=_status(exc))
    return _back(candidate_id, "timeline")


@router.post("/candidates/{candidate_id}/offers")
def draft_offer(request: Request, found: Found, unit: Unit, who: SignedIn, candidate_id: int,
                base: Annotated[str, Form()] = "", bonus: Annotated[str, Form()] = "",
                signing: Annotated[str, Form()] = "", equity_value: Annotated[str, Form()] = "",
                gpus: Annotated[str, Form()] = "", vesting_years: Annotated[str, Form()] = "4",
                start_date: Annotated[str, Form()] = "", expires_on: Annotated[str, Form()] = "",
                role: Annotated[str, Form()] = "", notes: Annotated[str, Form()] = "") -> Response:
    form = FormInput({"base": base, "bonus": bonus, "signing": signing, "equity_value": equity_value,
                      "gpus": gpus, "vesting_years": vesting_years, "start_date": start_date,
                      "expires_on": expires_on, "role": role, "notes": notes})
    terms = {"base": form.amount("base", required=True), "bonus": form.amount("bonus") or 0,
             "signing": form.amount("signing") or 0, "equity_value": form.amount("equity_value") or 0,
             "gpus": form.whole("gpus") or 0, "vesting_years": form.whole("vesting_years", low=1, high=10) or 4,
             "start_date": form.day("start_date", required=True), "expires_on": form.day("expires_on", required=True)}
    form.text("notes", limit=10_000)
    try:
        form.check()
        offers.create_offer(unit, who, candidate_id, offers.OfferIn(**terms, role=role or None,  # type: ignore[arg-type]
                                                                    notes=notes or None))
    except LabScoutError as exc:
        unit.rollback()
        return candidate_page(request, found, unit, who, candidate_id, failed="offer", errors=errors_of(exc),
                              values=form.values, status=_status(exc))
    return _back(candidate_id, "offers")


@router.post("/offers/{offer_id}/{step}")
def offer_step(request: Request, found: Found, unit: Unit, who: SignedIn, offer_id: int, step: str,
               version: Annotated[str, Form()] = "", reason: Annotated[str, Form()] = "") -> Response:
    form = FormInput({"version": version, "reason": reason})
    seen = form.whole("version")
    form.text("reason", limit=2000)
    try:
        form.check()
        done = offers.step(unit, who, offer_id, step, reason=reason, expected_version=seen)
    except LabScoutError as exc:
        unit.rollback()
        candidate_id = offers.get_offer(unit, who, offer_id).candidate_id
        return candidate_page(request, found, unit, who, candidate_id, failed=f"step-{offer_id}-{step}",
                              errors=errors_of(exc), values=form.values, status=_status(exc))
    return _back(done.candidate_id, "offers")


@router.get("/mentions", response_class=HTMLResponse)
def mentions_page(request: Request, unit: Unit, who: SignedIn, page: str = "1") -> HTMLResponse:
    """The inbox: comments naming the reader, unread first; reading a page marks them read."""
    number = page_of(page)
    found = activities.inbox(unit, who, limit=PER_PAGE + 1, offset=(number - 1) * PER_PAGE)
    return render(request, "mentions.html", who, **paged(found, number, PER_PAGE, "/mentions?"))


@router.get("/mentions/count", response_class=HTMLResponse)
def mentions_count(unit: Unit, who: SignedIn) -> HTMLResponse:
    """The header's unread badge (fetched by htmx after the page loads)."""
    unread = activities.unread_mentions(unit, who) if has(who, Perm.VIEW_PIPELINE) else 0
    badge = f' <span class="badge" id="unread">{unread}</span>' if unread else ""
    return HTMLResponse(f'<a href="/mentions" id="mentions-link">Mentions{badge}</a>')
