"""Watching pages: the alerts inbox (with one's watches, saved searches and digest choice), and the watch,
save-search and mark buttons of the person, search and organisation pages.

The buttons post with htmx and get back the fragment that replaces them (a message where they stood when
something is wrong); the inbox's own forms come back to the inbox.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import escape

from labscout.api.deps import Found, SignedIn, Unit
from labscout.errors import LabScoutError
from labscout.pipeline import alerts, watch
from labscout.pipeline.roles import Perm, has
from labscout.web.forms import errors_of, search_filters
from labscout.web.render import page_of, render

router = APIRouter(include_in_schema=False)
PER_PAGE = 50


def _fragment_error(exc: LabScoutError) -> HTMLResponse:
    message = "; ".join(errors_of(exc).values())
    return HTMLResponse(f'<span class="error" role="alert">{escape(message)}</span>')


@router.get("/alerts", response_class=HTMLResponse)
def alerts_page(request: Request, unit: Unit, who: SignedIn, page: str = "1") -> HTMLResponse:
    """The inbox: one's alerts, unread first; reading a page marks them read."""
    number = page_of(page)
    found = alerts.inbox(unit, who, limit=PER_PAGE + 1, offset=(number - 1) * PER_PAGE)
    return render(request, "alerts.html", who, alerts=found[:PER_PAGE], page=number, has_more=len(found) > PER_PAGE,
                  base="/alerts?", kinds=alerts.KINDS, watched=watch.list_watched(unit, who),
                  searches=watch.list_saved_searches(unit, who), marked=watch.list_marked(unit, who),
                  digest=watch.daily_digest(unit, who), can_mark=has(who, Perm.EDIT_CANDIDATES))


@router.get("/alerts/count", response_class=HTMLResponse)
def alerts_count(unit: Unit, who: SignedIn) -> HTMLResponse:
    """The header's unread badge (fetched by htmx after the page loads)."""
    unread = alerts.unread_alerts(unit, who)
    badge = f' <span class="badge" id="unread-alerts">{unread}</span>' if unread else ""
    return HTMLResponse(f'<a href="/alerts" id="alerts-link">Alerts{badge}</a>')


@router.post("/alerts/digest")
def digest_choice(unit: Unit, who: SignedIn, daily: Annotated[str, Form()] = "") -> Response:
    watch.set_daily_digest(unit, who, daily == "on")
    return RedirectResponse("/alerts#digest", status_code=303)


@router.post("/watch", response_class=HTMLResponse)
def watch_button(found: Found, unit: Unit, who: SignedIn, person_id: Annotated[str, Form()] = "",
                 note: Annotated[str, Form()] = "") -> HTMLResponse:
    try:
        made = watch.watch_person(unit, who, found.store, person_id, note=note[:2000] or None)
    except LabScoutError as exc:
        unit.rollback()
        return _fragment_error(exc)
    return HTMLResponse(_unwatch_form(made.person_id, made.name))


@router.post("/watch/remove", response_class=HTMLResponse)
def unwatch_button(unit: Unit, who: SignedIn, person_id: Annotated[str, Form()] = "",
                   back: Annotated[str, Form()] = "") -> Response:
    try:
        watch.unwatch_person(unit, who, person_id=person_id)
    except LabScoutError as exc:
        unit.rollback()
        return _fragment_error(exc)
    if back == "alerts":
        return RedirectResponse("/alerts#watched", status_code=303)
    return HTMLResponse(_watch_form(person_id))


def _watch_form(person_id: str) -> str:
    return (f'<form hx-post="/watch" hx-swap="outerHTML" class="inline watch"><input type="hidden" '
            f'name="person_id" value="{escape(person_id)}"><button class="watch">Watch</button></form>')


def _unwatch_form(person_id: str, name: str) -> str:
    return (f'<form hx-post="/watch/remove" hx-swap="outerHTML" class="inline watching"><span class="watched">'
            f'Watching {escape(name)}</span> <input type="hidden" name="person_id" value="{escape(person_id)}">'
            '<button class="unwatch">Stop watching</button></form>')


@router.post("/searches", response_class=HTMLResponse)
def save_search(found: Found, unit: Unit, who: SignedIn, name: Annotated[str, Form()] = "",
                q: Annotated[str, Form()] = "", org: Annotated[str, Form()] = "",
                org_kind: Annotated[str, Form()] = "", country: Annotated[str, Form()] = "",
                since: Annotated[str, Form()] = "", seniority: Annotated[str, Form()] = "",
                exclude_org: Annotated[str, Form()] = "") -> HTMLResponse:
    try:
        filters = search_filters(org=org, org_kind=org_kind, country=country, since=since, seniority=seniority,
                                 exclude_org=exclude_org)
        made = watch.save_search(unit, who, found.store, found.talent, name=name or q, query=q, filters=filters)
    except LabScoutError as exc:
        unit.rollback()
        return _fragment_error(exc)
    return HTMLResponse(f'<span class="saved" role="status">Saved as “{escape(made.name)}”: you will hear when '
                        f'someone new enters its top {alerts.TOP} (<a href="/alerts#searches">alerts</a>).</span>')


@router.post("/searches/{search_id}/delete")
def delete_search(unit: Unit, who: SignedIn, search_id: int) -> Response:
    watch.delete_saved_search(unit, who, search_id)
    return RedirectResponse("/alerts#searches", status_code=303)


@router.post("/orgs/{org_id}/mark", response_class=HTMLResponse)
def mark_org(found: Found, unit: Unit, who: SignedIn, org_id: str,
             relation: Annotated[str, Form()] = "") -> Response:
    try:
        if relation == "none":
            watch.unmark_organisation(unit, who, org_id)
        else:
            watch.mark_organisation(unit, who, found.store, org_id, relation)
    except LabScoutError as exc:
        unit.rollback()
        return _fragment_error(exc)
    word = {"rival": "Marked a rival", "ours": "Marked as ours", "none": "Not marked"}[relation]
    return HTMLResponse(f'<span class="marked" role="status">{word}</span>')
