"""Discovery pages: one search box for topics and names, people, organisations, talent flows."""

from __future__ import annotations

from collections import Counter
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse
from markupsafe import escape

from labscout.api.deps import Found, SignedIn, Unit
from labscout.errors import BadQueryError, LabScoutError, NotFoundError
from labscout.pipeline import candidates, overview, watch
from labscout.pipeline.candidates import CandidateIn
from labscout.pipeline.roles import Perm, has
from labscout.research import queries
from labscout.talent import moves, views
from labscout.web import charts
from labscout.web.forms import errors_of, search_filters, whole_in
from labscout.web.labels import stage as stage_label
from labscout.web.render import page_of, render

router = APIRouter(include_in_schema=False)
PER_PAGE = 25
FILTERS = ("org", "org_kind", "country", "since", "seniority", "exclude_org")
PAPERS_PER_PAGE = 40
FLOWS_PER_PAGE = 40
MAX_FLOW_PAGES = 250  # 10,000 flows at most: a page number past it shows page 250, not a query for millions


@router.get("/search", response_class=HTMLResponse)
def search_page(request: Request, found: Found, unit: Unit, who: SignedIn, q: str = "", org: str = "",
                org_kind: str = "", country: str = "", since: str = "", seniority: str = "",
                exclude_org: str = "", page: str = "1") -> HTMLResponse:
    form = {"q": q, "org": org, "org_kind": org_kind, "country": country, "since": since, "seniority": seniority,
            "exclude_org": exclude_org}
    result: views.SearchView | None = None
    errors: dict[str, str] = {}
    matches: list[queries.OrgMatch] = []
    status = 200
    number = page_of(page)
    if q.strip():
        try:
            filters = search_filters(org=org, org_kind=org_kind, country=country, since=since, seniority=seniority,
                                     exclude_org=exclude_org)
            result = views.search_view(found.store, found.talent, q, filters=filters,
                                       offset=min((number - 1) * PER_PAGE, views.MAX_RESULTS), limit=PER_PAGE)
        except queries.AmbiguousError as many:
            errors = {(many.field or "q"): many.detail}
            matches = [m for m in many.candidates if isinstance(m, queries.OrgMatch)]
            status = 422
        except LabScoutError as exc:
            if exc.field == "offset":  # a page number typed past the last page
                errors = {"": f"results stop at {views.MAX_RESULTS}, {PER_PAGE} a page: page {number} is past the "
                              "last"}
            else:
                errors = {("q" if exc.field == "query" else exc.field or "q"): exc.detail}
            status = 400 if isinstance(exc, BadQueryError) else 422
    shown = [h.person_id for h in result.experts] + [p.person_id for p in result.people] if result else []
    linked = overview.candidates_for_people(unit, who, shown) if has(who, Perm.VIEW_PIPELINE) else {}
    base = "/search?" + urlencode({k: v for k, v in form.items() if v}) + "&"
    return render(request, "search.html", who, q=q, result=result, linked=linked, form=form, base=base,
                  can_add=has(who, Perm.EDIT_CANDIDATES), errors=errors, failed="search", values=form,
                  org_matches=matches, status=status)


@router.post("/pipeline/add", response_class=HTMLResponse)
def add_to_pipeline(request: Request, unit: Unit, found: Found, who: SignedIn,
                    person_id: Annotated[str, Form()] = "", role: Annotated[str, Form()] = "researcher",
                    source_detail: Annotated[str, Form()] = "") -> HTMLResponse:
    """The add button of search results and person pages: a fragment saying where the person is now."""
    try:
        made = candidates.add_from_person(unit, who, found.store, person_id, CandidateIn(
            target_role=role or "researcher", source="search", source_detail=source_detail[:300] or None))
    except candidates.AlreadyCandidateError as exc:
        c = exc.existing
        return HTMLResponse(f'<span class="warning already" role="alert">Already in the pipeline: '
                            f'<a class="existing" href="/candidates/{c.id}">{escape(c.name)}, candidate {c.id} '
                            f'({escape(stage_label(c.stage))})</a></span>')
    except LabScoutError as exc:
        message = "; ".join(errors_of(exc).values())
        return HTMLResponse(f'<span class="error" role="alert">{escape(message)}</span>', status_code=200)
    return HTMLResponse(f'<a class="added" href="/candidates/{made.id}">In pipeline: '
                        f'{escape(stage_label(made.stage))}</a>')


@router.get("/people/{ref}", response_class=HTMLResponse)
def person_page(request: Request, found: Found, unit: Unit, who: SignedIn, ref: str, via_org: str = "",
                page: str = "1") -> HTMLResponse:
    try:
        view = views.person_view(found.store, ref, explain=True, via_org=via_org.strip() or None, ties=True)
        intro_error = None
    except queries.AmbiguousError as many:
        if many.field == "person":
            return render(request, "choose.html", who, what="people", ref=ref, matches=many.candidates, status=300)
        view, intro_error = views.person_view(found.store, ref, explain=True, ties=True), many.detail
    except NotFoundError as missing:
        if missing.field != "via_org":
            raise
        view, intro_error = views.person_view(found.store, ref, explain=True, ties=True), missing.detail
    pid = view.person.person_id
    close = [(c.person_id, c.name, float(c.joint_papers)) for c in view.coauthors]
    linked = overview.candidates_for_people(unit, who, [pid]) if has(who, Perm.VIEW_PIPELINE) else {}
    number = page_of(page)
    start = (number - 1) * PAPERS_PER_PAGE
    return render(request, "person.html", who, v=view, via_org=via_org, intro_error=intro_error,
                  network=charts.network(pid, close, view.ties), candidate=list(linked.values()),
                  watching=pid in watch.watched_ids(unit, who),
                  can_add=has(who, Perm.EDIT_CANDIDATES), papers=view.papers[start:start + PAPERS_PER_PAGE],
                  page=number, has_more=len(view.papers) > start + PAPERS_PER_PAGE,
                  base=f"/people/{pid}?" + (urlencode({"via_org": via_org}) + "&" if via_org else ""))


@router.get("/orgs/{ref}", response_class=HTMLResponse)
def org_page(request: Request, found: Found, unit: Unit, who: SignedIn, ref: str, page: str = "1") -> HTMLResponse:
    number = page_of(page)
    try:
        view = views.org_view(found.store, ref, top=number * PER_PAGE + 1, flows=30)
    except queries.AmbiguousError as many:
        return render(request, "choose.html", who, what="organisations", ref=ref, matches=many.candidates,
                      status=300)
    start = (number - 1) * PER_PAGE
    return render(request, "org.html", who, o=view, people=view.people[start:start + PER_PAGE], page=number,
                  has_more=len(view.people) > start + PER_PAGE, base=f"/orgs/{view.org.org_id}?",
                  chart=charts.flows([(f.from_org, f.to_org, f.people) for f in view.flows]),
                  can_mark=has(who, Perm.EDIT_CANDIDATES),
                  marked=next((m.relation for m in watch.list_marked(unit, who) if m.org_id == view.org.org_id), None))


@router.get("/flows", response_class=HTMLResponse)
def flows_page(request: Request, found: Found, who: SignedIn, since: str = "2022", min_people: str = "3",
               page: str = "1") -> HTMLResponse:
    year = whole_in(since, 1900, 2100) or 2022
    least = whole_in(min_people, 1, 1000) or 3
    number = min(page_of(page), MAX_FLOW_PAGES)
    start = (number - 1) * FLOWS_PER_PAGE
    found_flows = moves.list_flows(found.store, since=year, min_people=least, limit=start + FLOWS_PER_PAGE + 1)
    shown = found_flows[start:start + FLOWS_PER_PAGE]
    merged: Counter[tuple[str, str]] = Counter()
    for f in shown:
        merged[(f.from_org, f.to_org)] += f.people
    return render(request, "flows.html", who, flows=shown, since=year, min_people=least, page=number,
                  has_more=len(found_flows) > start + FLOWS_PER_PAGE,
                  base="/flows?" + urlencode({"since": year, "min_people": least}) + "&",
                  chart=charts.flows([(a, b, n) for (a, b), n in merged.most_common(25)]))
