"""Discovery pages: one search box for topics and names, people, organisations, talent flows."""

from __future__ import annotations

from collections import Counter
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse
from markupsafe import escape

from labscout.api.deps import Found, SignedIn, Unit
from labscout.errors import InvalidError, LabScoutError, NotFoundError
from labscout.pipeline import candidates, overview, watch
from labscout.pipeline.candidates import CandidateIn
from labscout.pipeline.roles import Perm, has
from labscout.research import queries
from labscout.talent import moves, search, views
from labscout.web import charts
from labscout.web.forms import errors_of
from labscout.web.labels import stage as stage_label
from labscout.web.render import page_of, render

router = APIRouter(include_in_schema=False)
PER_PAGE = 25
FILTERS = ("org", "org_kind", "country", "since", "seniority", "exclude_org")
PAPERS_PER_PAGE = 40


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
    if q.strip():
        try:
            if since.strip() and _whole(since, 1900, 2100) is None:
                raise InvalidError(f"{since.strip()[:20]!r} is not a year", field="since")
            filters = search.SearchFilters(org=org.strip() or None, org_kind=org_kind or None,
                                           country=country.strip() or None,
                                           since=int(since) if since.strip() else None, seniority=seniority or None,
                                           exclude_org=exclude_org.strip() or None)
            result = views.search_view(found.store, found.talent, q, filters=filters, page=page_of(page),
                                       per_page=PER_PAGE)
        except queries.AmbiguousError as many:
            errors = {(many.field or "q"): many.detail}
            matches = [m for m in many.candidates if isinstance(m, queries.OrgMatch)]
            status = 422
        except LabScoutError as exc:
            errors = {("q" if exc.field == "query" else exc.field or "q"): exc.detail}
            status = 422
        except ValueError as exc:  # the index's query parser ("graph --"): a 400 that says so, as in the API
            errors = {"q": f"cannot read the query {q!r} ({exc}); use plain words"}
            status = 400
    shown = [h.person_id for h in result.hits] + [p.person_id for p in result.people] if result else []
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


def _whole(text: str, low: int, high: int) -> int | None:
    """A whole number typed in a query between low and high, else None.

    ASCII only: str.isdigit() is true for '²', which int() refuses.
    """
    text = text.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 9:
        return None
    number = int(text)
    return number if low <= number <= high else None


@router.get("/flows", response_class=HTMLResponse)
def flows_page(request: Request, found: Found, who: SignedIn, since: str = "2022", min_people: str = "3",
               ) -> HTMLResponse:
    year = _whole(since, 1900, 2100) or 2022
    least = _whole(min_people, 1, 1000) or 3
    found_flows = moves.list_flows(found.store, since=year, min_people=least, limit=40)
    merged: Counter[tuple[str, str]] = Counter()
    for f in found_flows:
        merged[(f.from_org, f.to_org)] += f.people
    return render(request, "flows.html", who, flows=found_flows, since=year, min_people=least,
                  chart=charts.flows([(a, b, n) for (a, b), n in merged.most_common(25)]))
