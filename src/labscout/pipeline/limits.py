"""How long and how many: one set of limits the services enforce, whichever face (CLI, API, page) calls them.

The API's request models take their `max_length` from here too, so a form can never store what the API would
refuse (a 900,000-character note, 10,000 tags). Single-line fields refuse control characters: a CR or LF in a
name or subject would end up in a mail header.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from labscout.errors import InvalidError

NAME = 200
ROLE = 80
EMAIL = 320
AFFILIATION = 300
PERSON_ID = 64
SOURCE = 20
SOURCE_DETAIL = 2_000
NOTES = 10_000
COMMENT = 10_000
SUBJECT = 300
BODY = 20_000
PLACE = 300
REASON = 2_000
COMPANY = 200
KEY_PERSON_NOTE = 300
STAGE = 40
TEMPLATE_NAME = 80
TEMPLATE_BODY = 20_000
TAGS, TAG = 50, 50
ATTENDEES, ATTENDEE = 50, 200
# Ids are 32-bit in every column that holds them: a bigger number names no record.
MAX_ID = 2**31 - 1

CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# In multi-line text only line breaks and tabs are allowed among the control characters.
CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _checked(field: str, value: str | None, limit: int, control: re.Pattern[str], what: str) -> str | None:
    if value is None:
        return None
    if len(value) > limit:
        raise InvalidError(f"{field}: at most {limit:,} characters, not {len(value):,}", field=field)
    if control.search(value):
        raise InvalidError(f"{field}: {what}", field=field)
    return value


def line(field: str, value: str | None, limit: int) -> str | None:
    """A single-line value: at most `limit` characters, no control characters (CR, LF, NUL...)."""
    return _checked(field, value, limit, CONTROL, "one line without control characters (no line breaks)")


def text(field: str, value: str | None, limit: int) -> str | None:
    """A multi-line value: at most `limit` characters, no control characters but line breaks and tabs."""
    return _checked(field, value, limit, CONTROL_IN_TEXT, "control characters are not allowed")


def items(field: str, values: Iterable[str] | None, count: int, each: int) -> list[str] | None:
    """A list of single-line values: at most `count` of them, each at most `each` characters."""
    if values is None:
        return None
    found = list(values)
    if len(found) > count:
        raise InvalidError(f"{field}: at most {count} entries, not {len(found):,}", field=field)
    for value in found:
        line(field, value, each)
    return found


def valid_id(value: int) -> bool:
    return 0 < value <= MAX_ID
