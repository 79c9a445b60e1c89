"""Floor plans from CSV: `desk,x,y` and optionally `occupant`, one desk a line, positions in any one unit.

An occupant fixes a desk: a leadership desk (the CEO's, say), or, when it names a person to be seated (their
candidate id as `#12`, their e-mail or their exact name), that person's own desk.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass

from labscout.errors import BadInputError

COLUMNS = ("desk", "x", "y")
MAX_DESKS = 5000


@dataclass(frozen=True, slots=True)
class Desk:
    desk: str
    x: float
    y: float
    occupant: str | None = None


def _number(value: str | None, *, file: str, record: int, field: str) -> float:
    if value is None or not value.strip():
        raise BadInputError(f"desk has no {field} coordinate", file=file, record=record, field=field)
    try:
        number = float(value)
    except ValueError:
        raise BadInputError(f"'{value}' is not a number", file=file, record=record, field=field) from None
    if not math.isfinite(number) or abs(number) > 1e6:
        raise BadInputError(f"'{value}' is not a position on a floor", file=file, record=record, field=field)
    return number


def parse_floor(text: str, *, file: str) -> list[Desk]:
    """The desks of a floor file; records are counted from 1 after the header line."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [(h or "").strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise BadInputError(f"the header needs the columns desk,x,y (optionally occupant); "
                            f"{', '.join(missing)} missing", file=file, field=missing[0])
    reader.fieldnames = header
    desks: list[Desk] = []
    seen: dict[str, int] = {}
    for record, row in enumerate(reader, 1):
        if None in row:
            raise BadInputError("more values than the header has columns", file=file, record=record)
        if not any((v or "").strip() for v in row.values()):
            continue  # a blank line
        name = " ".join((row.get("desk") or "").split())
        if not name:
            raise BadInputError("desk has no name", file=file, record=record, field="desk")
        if len(name) > 40:
            raise BadInputError("a desk name has at most 40 characters", file=file, record=record, field="desk")
        if name.casefold() in seen:
            raise BadInputError(f"desk '{name}' appears twice (records {seen[name.casefold()]} and {record})",
                                file=file, record=record, field="desk")
        seen[name.casefold()] = record
        occupant = " ".join((row.get("occupant") or "").split()) or None
        if occupant is not None and len(occupant) > 200:
            raise BadInputError("an occupant has at most 200 characters", file=file, record=record,
                                field="occupant")
        desks.append(Desk(name, _number(row.get("x"), file=file, record=record, field="x"),
                          _number(row.get("y"), file=file, record=record, field="y"), occupant))
        if len(desks) > MAX_DESKS:
            raise BadInputError(f"more than {MAX_DESKS} desks", file=file, record=record)
    if not desks:
        raise BadInputError("the floor has no desks", file=file)
    return desks
