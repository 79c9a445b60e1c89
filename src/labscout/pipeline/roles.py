"""Who may do what: roles, the acting user, and the checks every service makes before it acts."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from labscout.errors import ForbiddenError, InvalidError


class Role(StrEnum):
    EXECUTIVE = "executive"
    HR = "hr"
    RECRUITER = "recruiter"
    VIEWER = "viewer"


class Perm(StrEnum):
    VIEW_PIPELINE = "view the pipeline"
    EDIT_CANDIDATES = "edit candidates"
    SEND_OUTREACH = "send outreach"
    EDIT_TEMPLATES = "edit outreach templates"
    SEE_COMPENSATION = "see compensation"
    DRAFT_OFFERS = "draft offers"
    APPROVE_OFFERS = "approve offers"
    APPROVE_LARGE_OFFERS = "approve offers above the threshold"
    EDIT_PLAN = "edit the hiring plan and budget"
    SEE_BUDGET = "see the budget"
    SEE_DEALS = "see deals"
    EDIT_DEALS = "edit deals"
    SEE_AUDIT = "read the audit log"
    MANAGE_USERS = "manage users"
    EXPORT_PERSONAL = "export personal data"
    ERASE_PERSONAL = "erase personal data"
    BACKUP = "back up the pipeline"
    # Restore replaces users and roles: the executive's alone, so no role can make itself another.
    RESTORE = "restore a backup"
    CONFIGURE = "configure stages and thresholds"


_RECRUITER = {Perm.VIEW_PIPELINE, Perm.EDIT_CANDIDATES, Perm.SEND_OUTREACH, Perm.EDIT_TEMPLATES}
_HR = _RECRUITER | {Perm.SEE_COMPENSATION, Perm.DRAFT_OFFERS, Perm.APPROVE_OFFERS, Perm.SEE_BUDGET,
                    Perm.SEE_DEALS, Perm.SEE_AUDIT, Perm.MANAGE_USERS, Perm.EXPORT_PERSONAL, Perm.ERASE_PERSONAL,
                    Perm.BACKUP}
# Compensation, budget and deal figures are visible to the executive and HR only.
PERMISSIONS: dict[Role, frozenset[Perm]] = {
    Role.EXECUTIVE: frozenset(Perm),
    Role.HR: frozenset(_HR),
    Role.RECRUITER: frozenset(_RECRUITER),
    # Discovery only: no candidate, offer or plan data at all.
    Role.VIEWER: frozenset(),
}


@dataclass(frozen=True, slots=True)
class Actor:
    """The user a service acts for; `user_id` None only for the bootstrap of the first user."""

    user_id: int | None
    name: str
    role: Role


def parse_role(value: str) -> Role:
    try:
        return Role(value.strip().lower())
    except ValueError:
        raise InvalidError(f"unknown role '{value}'; choose one of {', '.join(r.value for r in Role)}") from None


def has(actor: Actor, perm: Perm) -> bool:
    return perm in PERMISSIONS[actor.role]


def require(actor: Actor, perm: Perm) -> None:
    """Raise ForbiddenError unless the actor's role allows `perm`."""
    if not has(actor, perm):
        raise ForbiddenError(f"{actor.name} ({actor.role.value}) may not {perm.value}")


def can_see_compensation(actor: Actor) -> bool:
    return has(actor, Perm.SEE_COMPENSATION)
