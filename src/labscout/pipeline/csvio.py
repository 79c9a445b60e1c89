"""CSV export and import of candidates; a bad file is refused whole, naming the row and the field.

Rows are numbered from 1 for the first row after the header (the header is line 1 of the file).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from labscout.errors import BadInputError, LabScoutError
from labscout.pipeline import candidates, stages
from labscout.pipeline.candidates import CandidateIn
from labscout.pipeline.models import Candidate, User
from labscout.pipeline.roles import Actor, Perm, require

COLUMNS = ["id", "name", "email", "person_id", "affiliation", "target_role", "owner_email", "priority", "tags",
           "source", "source_detail", "stage", "stage_changed_at", "notes"]
REQUIRED = ("name", "target_role")
# On import, `id` and `stage_changed_at` are ignored (the database assigns them), so an export re-imports as is.
IMPORTABLE = set(COLUMNS)
# A spreadsheet runs a cell that starts with one of these as a formula (=HYPERLINK(...) sends data away).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: object) -> str:
    """The cell as text a spreadsheet shows as text: a leading apostrophe before a formula character."""
    text = "" if cell is None else str(cell)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _restore_cell(text: str) -> str:
    """The inverse of `neutralise` on import, so that an export re-imports as it was."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


def export_candidates(session: Session, actor: Actor, out: TextIO) -> int:
    """Write every (not erased) candidate as CSV; tags are separated by ';'. Returns the number of rows."""
    require(actor, Perm.VIEW_PIPELINE)
    owners = {u.id: u.email for u in session.scalars(select(User))}
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    count = 0
    for c in session.scalars(select(Candidate).where(Candidate.erased_at.is_(None)).order_by(Candidate.id)):
        cells = [c.id, c.name, c.email, c.person_id, c.affiliation, c.target_role,
                 owners.get(c.owner_id, "") if c.owner_id else "", c.priority, ";".join(c.tags or []), c.source,
                 c.source_detail, c.stage, c.stage_changed_at.isoformat(), c.notes]
        writer.writerow([neutralise(v) for v in cells])
        count += 1
    return count


def _decode(raw: bytes, file: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise BadInputError(f"not UTF-8 text (byte {exc.start}, line {line}); save the file as UTF-8 CSV",
                            file=file, record=max(line - 1, 0) or None) from None


def import_candidates(session: Session, actor: Actor, path: Path) -> list[int]:
    """Add the candidates of a CSV file, all or none; returns their ids."""
    require(actor, Perm.EDIT_CANDIDATES)
    file = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise BadInputError(f"cannot read: {exc.strerror}", file=file) from None
    reader = csv.DictReader(io.StringIO(_decode(raw, file), newline=""))
    header = [h.strip() for h in reader.fieldnames or []]
    if not header:
        raise BadInputError("empty file: expected a header row with at least " + ", ".join(REQUIRED), file=file)
    for name in header:
        if name not in IMPORTABLE:
            raise BadInputError(f"unknown column '{name}'; the columns are: {', '.join(COLUMNS)}", file=file,
                                field=name)
    for name in REQUIRED:
        if name not in header:
            raise BadInputError(f"missing column '{name}'", file=file, field=name)
    reader.fieldnames = header
    created: list[int] = []
    seen_people: dict[str, int] = {}
    for number, row in enumerate(reader, start=1):
        if None in row:
            raise BadInputError(f"{len(header) + len(row[None])} values for {len(header)} columns", file=file,
                                record=number)
        values = {k: _restore_cell((v or "").strip()) for k, v in row.items()}
        if not any(values.values()):
            continue
        data = _row(values, file, number)
        if data.person_id:
            if data.person_id in seen_people:
                raise BadInputError(f"person {data.person_id} is also in row {seen_people[data.person_id]}",
                                    file=file, record=number, field="person_id")
            seen_people[data.person_id] = number
        stage = values.get("stage") or None
        try:
            if stage:
                stages.get_stage(session, stage)
        except LabScoutError as exc:
            raise BadInputError(str(exc), file=file, record=number, field="stage") from None
        try:
            created.append(candidates.create_candidate(session, actor, data, stage=stage).id)
        except LabScoutError as exc:
            raise BadInputError(str(exc), file=file, record=number, field=_field_of(str(exc))) from None
    return created


def _row(values: dict[str, str], file: str, number: int) -> CandidateIn:
    for name in REQUIRED:
        if not values.get(name):
            raise BadInputError(f"'{name}' is empty", file=file, record=number, field=name)
    priority = None
    if values.get("priority"):
        try:
            priority = int(values["priority"])
        except ValueError:
            raise BadInputError(f"'{values['priority']}' is not a whole number 1-5", file=file, record=number,
                                field="priority") from None
    return CandidateIn(
        name=values["name"], target_role=values["target_role"], person_id=values.get("person_id") or None,
        email=values.get("email") or None, affiliation=values.get("affiliation") or None,
        owner_email=values.get("owner_email") or None, priority=priority,
        tags=[t for t in (values.get("tags") or "").split(";") if t.strip()],
        source=values.get("source") or "import", source_detail=values.get("source_detail") or None,
        notes=values.get("notes") or None)


def _field_of(message: str) -> str | None:
    """The column a service's message is about, so the error names it."""
    for name, hint in (("email", "e-mail"), ("priority", "priority"), ("source", "source"),
                       ("owner_email", "owner"), ("person_id", "already candidate"), ("target_role", "target role"),
                       ("name", "name")):
        if hint in message:
            return name
    return None
