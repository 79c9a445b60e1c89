"""Reading HTML forms: every field arrives as text and is parsed here, so a bad value becomes a message at the
input (with what was typed kept), never a raw JSON 422 page.
"""

from __future__ import annotations

from datetime import date, datetime

from labscout.errors import InvalidError, LabScoutError
from labscout.kit.money import AmountError, parse_amount
from labscout.kit.text import is_digits
from labscout.talent import search


class FormError(InvalidError):
    """One or more fields of a form are wrong: `errors` maps each to its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()), field=next(iter(errors), None))
        self.errors = errors


def errors_of(exc: LabScoutError) -> dict[str, str]:
    """Field -> message, for the template to put each next to its input ("" for the form as a whole)."""
    if isinstance(exc, FormError):
        return dict(exc.errors)
    return {exc.field or "": exc.detail}


def whole_in(text: str, low: int, high: int) -> int | None:
    """A whole number typed into a query, between low and high, else None.

    ASCII only: str.isdigit() is true for '²', which int() refuses.
    """
    text = text.strip()
    if not is_digits(text) or len(text) > 9:
        return None
    number = int(text)
    return number if low <= number <= high else None


def search_filters(*, org: str, org_kind: str, country: str, since: str, seniority: str,
                   exclude_org: str) -> search.SearchFilters:
    """The filters of a search as a page's fields give them ('' for none); a year that is no year is named."""
    year = whole_in(since, 1900, 2100)
    if since.strip() and year is None:
        raise InvalidError(f"{since.strip()[:20]!r} is not a year", field="since")
    return search.SearchFilters(org=org.strip() or None, org_kind=org_kind or None, country=country.strip() or None,
                                since=year, seniority=seniority or None, exclude_org=exclude_org.strip() or None)


class FormInput:
    """The text of a submitted form, parsed field by field; every problem is collected, not just the first."""

    def __init__(self, values: dict[str, str]) -> None:
        self.values = {k: v for k, v in values.items() if k != "csrf_token"}
        self.errors: dict[str, str] = {}

    def _given(self, name: str, required: bool) -> str | None:
        """The field's text, or None when it is empty (an error too, if it is required)."""
        value = (self.values.get(name) or "").strip()
        if not value and required:
            self.errors[name] = "required"
        return value or None

    def text(self, name: str, *, required: bool = False, limit: int | None = None) -> str | None:
        value = self._given(name, required)
        if value is None:
            return None
        if limit is not None and len(value) > limit:
            self.errors[name] = f"at most {limit:,} characters ({len(value):,} given)"
        return value

    def amount(self, name: str, *, required: bool = False) -> int | None:
        """Money as people write it: 750k, 1.2M, $2,000,000."""
        value = self._given(name, required)
        if value is None:
            return None
        try:
            return parse_amount(value)
        except AmountError as exc:
            self.errors[name] = str(exc)
            return None

    def whole(self, name: str, *, required: bool = False, low: int = 0, high: int = 2_147_483_647) -> int | None:
        value = self._given(name, required)
        if value is None:
            return None
        try:
            number = int(value.replace(",", ""))
        except ValueError:
            self.errors[name] = f"{value!r} is not a whole number"
            return None
        if not low <= number <= high:
            self.errors[name] = f"must be {low:,} to {high:,}, not {number:,}"
            return None
        return number

    def day(self, name: str, *, required: bool = False) -> date | None:
        value = self._given(name, required)
        if value is None:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.errors[name] = f"{value!r} is not a date (YYYY-MM-DD)"
            return None

    def moment(self, name: str) -> datetime | None:
        """A date, or a date and time (the browser's datetime-local: 2026-11-23T19:30)."""
        value = self._given(name, False)
        if value is None:
            return None
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            self.errors[name] = f"{value!r} is not a date and time"
            return None

    def check(self) -> None:
        """Raise FormError if any field was wrong."""
        if self.errors:
            raise FormError(dict(self.errors))
