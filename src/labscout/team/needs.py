"""What the team needs: topics with the plan roles that need them, and the rules every slate keeps.

A topic is free text searched as expert search does ("RL for LLM reasoning"). A role's value from a person is
the sum, over the role's topics, of the topic's weight times the person's expert score for it. A person counts
as one of a topic's experts when search ranks them in its top `expert_top` (default 50); a topic's
`min_people` is the least number of such experts the team (hired and proposed) should hold.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from labscout.errors import InvalidError, NotFoundError
from labscout.pipeline import audit
from labscout.pipeline.db import flush
from labscout.pipeline.models import PlanRole, Setting
from labscout.pipeline.roles import Actor, Perm, require
from labscout.pipeline.team_models import RoleTopic, TeamTopic

DEFAULT_EXPERT_TOP = 50
MAX_EXPERT_TOP = 1000
RULES_KEY = "team_rules"


@dataclass(frozen=True, slots=True)
class TopicNeed:
    id: int
    topic: str
    min_people: int
    roles: dict[str, float]  # plan role -> weight of the topic in that role's value
    version: int


@dataclass(frozen=True, slots=True)
class TeamRules:
    max_per_org: int | None  # at most this many people of the team from one organisation; None: no cap
    expert_top: int


def _topic_text(topic: str) -> str:
    text = " ".join(topic.split())
    if not text:
        raise InvalidError("topic: name a topic, e.g. \"diffusion models\"", field="topic")
    if len(text) > 300:
        raise InvalidError(f"topic: at most 300 characters, not {len(text)}", field="topic")
    return text


def _find(session: Session, topic: str) -> TeamTopic | None:
    return session.scalar(select(TeamTopic).where(func.lower(TeamTopic.topic) == _topic_text(topic).lower()))


def _out(session: Session, row: TeamTopic) -> TopicNeed:
    roles = {r.role: r.weight for r in session.scalars(select(RoleTopic).where(RoleTopic.topic_id == row.id)
                                                        .order_by(RoleTopic.role))}
    return TopicNeed(row.id, row.topic, row.min_people, roles, row.version)


def needs(session: Session) -> list[TopicNeed]:
    """Every needed topic, in the order they were added (no permission check: for other team services)."""
    rows = list(session.scalars(select(TeamTopic).order_by(TeamTopic.id)))
    links: dict[int, dict[str, float]] = {}
    for link in session.scalars(select(RoleTopic).order_by(RoleTopic.role)):
        links.setdefault(link.topic_id, {})[link.role] = link.weight
    return [TopicNeed(r.id, r.topic, r.min_people, links.get(r.id, {}), r.version) for r in rows]


def list_needs(session: Session, actor: Actor) -> list[TopicNeed]:
    require(actor, Perm.VIEW_PIPELINE)
    return needs(session)


def set_need(session: Session, actor: Actor, topic: str, *, roles: dict[str, float] | None = None,
             min_people: int | None = None) -> TopicNeed:
    """Add a needed topic or change it: the roles that need it (with weights) and its minimum of experts."""
    require(actor, Perm.EDIT_PLAN)
    text = _topic_text(topic)
    if min_people is not None and not 0 <= min_people <= 10_000:
        raise InvalidError(f"min_people: must be 0 to 10,000, not {min_people}", field="min_people")
    planned = set(session.scalars(select(PlanRole.role)))
    wanted: dict[str, float] = {}
    for name, weight in (roles or {}).items():
        key = " ".join(name.strip().lower().split())
        if key not in planned:
            known = ", ".join(sorted(planned)) or "none yet"
            raise InvalidError(f"roles: '{name}' is not a role of the hiring plan (the plan has: {known})",
                               field="roles")
        if not 0 < weight <= 100:
            raise InvalidError(f"weight: the weight of '{text}' for {key} must be above 0 and at most 100, "
                               f"not {weight}", field="weight")
        wanted[key] = float(weight)
    row = _find(session, text)
    before = audit.snapshot(row) | {"roles": _out(session, row).roles} if row is not None else None
    if row is None:
        row = TeamTopic(topic=text, min_people=min_people or 0)
        session.add(row)
        flush(session)
    elif min_people is not None:
        row.min_people = min_people
    if roles is not None:
        for link in session.scalars(select(RoleTopic).where(RoleTopic.topic_id == row.id)):
            if link.role not in wanted:
                session.delete(link)
        existing = {link.role: link for link in session.scalars(select(RoleTopic).where(RoleTopic.topic_id == row.id))}
        for role, weight in wanted.items():
            if role in existing:
                existing[role].weight = weight
            else:
                session.add(RoleTopic(role=role, topic_id=row.id, weight=weight))
    flush(session)
    found = _out(session, row)
    audit.record(session, actor, "set" if before else "create", "team_topic", row.id, before,
                 audit.snapshot(row) | {"roles": found.roles})
    return found


def remove_need(session: Session, actor: Actor, topic: str) -> None:
    require(actor, Perm.EDIT_PLAN)
    row = _find(session, topic)
    if row is None:
        raise NotFoundError(f"topic: the team needs no topic '{topic.strip()}'", field="topic")
    audit.record(session, actor, "delete", "team_topic", row.id, audit.snapshot(row) | {"roles": _out(session, row)
                                                                                         .roles}, None)
    for link in session.scalars(select(RoleTopic).where(RoleTopic.topic_id == row.id)):
        session.delete(link)
    session.delete(row)
    flush(session)


def rules(session: Session) -> TeamRules:
    row = session.get(Setting, RULES_KEY)
    value = row.value if row is not None else {}
    cap = value.get("max_per_org")
    return TeamRules(int(cap) if cap is not None else None, int(value.get("expert_top", DEFAULT_EXPERT_TOP)))


def get_rules(session: Session, actor: Actor) -> TeamRules:
    require(actor, Perm.VIEW_PIPELINE)
    return rules(session)


def set_rules(session: Session, actor: Actor, *, max_per_org: int | None = None, no_org_cap: bool = False,
              expert_top: int | None = None) -> TeamRules:
    """Change the rules every slate keeps: the cap per organisation and how deep a topic's experts go."""
    require(actor, Perm.EDIT_PLAN)
    current = rules(session)
    if max_per_org is not None and not 1 <= max_per_org <= 10_000:
        raise InvalidError(f"max_per_org: at least 1 person (and at most 10,000), not {max_per_org}",
                           field="max_per_org")
    if expert_top is not None and not 1 <= expert_top <= MAX_EXPERT_TOP:
        raise InvalidError(f"expert_top: from 1 to {MAX_EXPERT_TOP}, not {expert_top}", field="expert_top")
    cap = None if no_org_cap else (max_per_org if max_per_org is not None else current.max_per_org)
    value = {"max_per_org": cap, "expert_top": expert_top or current.expert_top}
    row = session.get(Setting, RULES_KEY)
    before = dict(row.value) if row is not None else None
    if row is None:
        session.add(Setting(key=RULES_KEY, value=value))
    else:
        row.value = value
    flush(session)
    audit.record(session, actor, "set", "setting", RULES_KEY, before, value)
    return rules(session)
