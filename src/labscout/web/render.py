"""Rendering pages: the templates with their filters, the error page, and the context every page shares."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeVar

from fastapi import Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from labscout.api.deps import session_data
from labscout.kit.money import format_amount
from labscout.web import labels

T = TypeVar("T")
templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
templates.env.filters.update(labels.FILTERS)
templates.env.filters["money"] = format_amount


def render(request: Request, name: str, who: Any = None, *, status: int = 200, **context: Any) -> HTMLResponse:
    """`name` rendered with `context`; every page also gets who is signed in and the session's CSRF token."""
    data = session_data(request)
    context.setdefault("errors", {})
    context.setdefault("values", {})
    context.setdefault("failed", None)
    response = templates.TemplateResponse(request, name, {"who": who, "csrf": data.csrf if data else "", **context})
    response.status_code = status
    return response


def error_page(request: Request, status: int, title: str, detail: str) -> Response:
    """A LabScout error on a page: sign-in for 401, else the error page (never a JSON body in a browser)."""
    if status == 401:
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
    return render(request, "error.html", title=title, detail=detail, status=status, code=status)


def paged(rows: Sequence[T], page: int, per_page: int, base: str) -> dict[str, Any]:
    """What a paged template needs from `per_page + 1` rows fetched for `page`: the rows, and whether more follow."""
    return {"rows": list(rows[:per_page]), "page": page, "has_more": len(rows) > per_page, "base": base}


def page_of(value: str | int | None) -> int:
    """A page number from a query string: 1 for anything that is not a positive whole number."""
    try:
        number = int(value or 1)
    except ValueError:
        return 1
    return max(1, min(number, 100_000))
