"""The pipeline's stages, configurable per team: ordered, each open, won (hired) or lost."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from labscout.errors import ConflictError, InvalidError
from labscout.pipeline import audit
from labscout.pipeline.db import flush
from labscout.pipeline.models import Candidate, Setting, Stage
from labscout.pipeline.roles import Actor, Perm, require

OUTCOMES = ("open", "won", "lost")


@dataclass(frozen=True, slots=True)
class StageOut:
    name: str
    position: int
    outcome: str


def list_stages(session: Session) -> list[StageOut]:
    return [StageOut(s.name, s.position, s.outcome) for s in session.scalars(select(Stage).order_by(Stage.position))]


def get_stage(session: Session, name: str) -> StageOut:
    """The stage called `name` (case and spaces forgiven), or InvalidError listing the stages there are."""
    key = " ".join(name.strip().lower().replace("_", " ").split())
    found = session.get(Stage, key)
    if found is None:
        known = ", ".join(s.name for s in list_stages(session))
        raise InvalidError(f"unknown stage '{name}'; the stages are: {known}")
    return StageOut(found.name, found.position, found.outcome)


def first_stage(session: Session) -> StageOut:
    found = session.scalar(select(Stage).where(Stage.outcome == "open").order_by(Stage.position).limit(1))
    if found is None:
        raise InvalidError("the pipeline has no open stage")
    return StageOut(found.name, found.position, found.outcome)


def add_stage(session: Session, actor: Actor, name: str, *, after: str | None = None, outcome: str = "open",
              ) -> StageOut:
    """Insert a stage after `after` (default: after the last open stage)."""
    require(actor, Perm.CONFIGURE)
    key = " ".join(name.strip().lower().split())
    if not key or len(key) > 40:
        raise InvalidError("a stage name needs 1 to 40 characters")
    if outcome not in OUTCOMES:
        raise InvalidError(f"unknown outcome '{outcome}'; choose one of {', '.join(OUTCOMES)}")
    if session.get(Stage, key) is not None:
        raise ConflictError(f"stage '{key}' exists already")
    if after is not None:
        anchor = get_stage(session, after).position
    else:
        anchor = session.scalar(select(func.max(Stage.position)).where(Stage.outcome == "open")) or 0
    for s in session.scalars(select(Stage).where(Stage.position > anchor)):
        s.position += 10
    stage = Stage(name=key, position=anchor + 10, outcome=outcome)
    session.add(stage)
    flush(session)
    audit.record(session, actor, "create", "stage", key, None, audit.snapshot(stage))
    return StageOut(stage.name, stage.position, stage.outcome)


def remove_stage(session: Session, actor: Actor, name: str) -> None:
    """Delete a stage no candidate is at."""
    require(actor, Perm.CONFIGURE)
    stage = get_stage(session, name)
    used = session.scalar(select(func.count()).select_from(Candidate).where(Candidate.stage == stage.name)) or 0
    if used:
        raise ConflictError(f"{used} candidate(s) are at stage '{stage.name}'; move them first")
    row = session.get(Stage, stage.name)
    assert row is not None
    audit.record(session, actor, "delete", "stage", stage.name, audit.snapshot(row), None)
    session.delete(row)
    flush(session)


# The stage a candidate moves to when the first e-mail goes out (a team may rename or remove it).
OUTREACH_SETTING = "outreach_stage"
DEFAULT_OUTREACH_STAGE = "contacted"


def outreach_stage(session: Session) -> str | None:
    """Where a first e-mail moves a candidate: the configured open stage, None when unset to none or gone."""
    row = session.get(Setting, OUTREACH_SETTING)
    name = row.value.get("stage") if row is not None else DEFAULT_OUTREACH_STAGE
    if not name:
        return None
    found = session.get(Stage, name)
    return found.name if found is not None and found.outcome == "open" else None


def set_outreach_stage(session: Session, actor: Actor, name: str | None) -> str | None:
    """Choose the stage a first e-mail moves a candidate to (an open stage), or None for no move."""
    require(actor, Perm.CONFIGURE)
    chosen = None
    if name is not None and name.strip() and name.strip().lower() != "none":
        stage = get_stage(session, name)
        if stage.outcome != "open":
            raise InvalidError(f"'{stage.name}' closes a candidate ({stage.outcome}); a first e-mail moves them to "
                               "an open stage", field="outreach_stage")
        chosen = stage.name
    row = session.get(Setting, OUTREACH_SETTING)
    before = dict(row.value) if row is not None else None
    if row is None:
        session.add(Setting(key=OUTREACH_SETTING, value={"stage": chosen}))
    else:
        row.value = {"stage": chosen}
    flush(session)
    audit.record(session, actor, "set", "setting", OUTREACH_SETTING, before, {"stage": chosen})
    return chosen
