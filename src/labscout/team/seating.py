"""Seating use cases: load a floor plan, seat the people hired or at the offer stage, read and export the result.

Who comes first: the head of research, then by role (the plan's roles by budget per slot, largest first; roles
outside the plan last), then by value (their expert scores for the role's topics), then by name. Priority
weight falls evenly from 1 (first) to 1/n (last). Collaborators: co-authors (joint papers, at most 3 counted)
and people of the same role (0.1), as ties pulled together. The placement method is `team.placement`'s.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from labscout.errors import InvalidError, NotFoundError
from labscout.pipeline import audit
from labscout.pipeline.db import flush
from labscout.pipeline.models import Candidate, Offer, PlanRole, Stage, utcnow
from labscout.pipeline.roles import Actor, Perm, require
from labscout.pipeline.team_models import FloorDesk, FloorPlan, SeatAssignment
from labscout.research import coauthors
from labscout.research.store import ResearchStore
from labscout.talent.index import TalentIndex
from labscout.team import experts, needs, placement
from labscout.team.floor import Desk, parse_floor

HEAD_OF_RESEARCH = "head of research"
SEATED_STAGE = "offer"
MAX_JOINT_PAPERS = 3
# Long author lists (benchmarks, consortia) say little about working together.
MAX_AUTHORS = 30
SAME_ROLE_TIE = 0.1
METHOD = ("priority (head of research first, then role by budget per slot, then value) solved exactly as an "
          "assignment problem (HiGHS); collaboration (co-authors, same role) by pairwise swaps that keep the "
          "priority cost within {tolerance:.0%} of that optimum; the head of research never moves")


@dataclass(frozen=True, slots=True)
class DeskOut:
    desk: str
    x: float
    y: float
    occupant: str | None
    leadership: bool
    candidate_id: int | None
    person: str | None
    role: str | None
    distance: float | None  # to the nearest leadership desk


@dataclass(frozen=True, slots=True)
class Assignment:
    desk: str
    candidate_id: int
    person: str
    role: str
    stage: str
    distance: float
    priority: int | None  # 1 = first; None for a saved seat whose person no longer qualifies


@dataclass(frozen=True, slots=True)
class SeatingOut:
    floor: str
    floor_id: int
    source: str | None
    desks: list[DeskOut]
    assignments: list[Assignment]
    objective: float | None
    priority_cost: float | None
    priority_optimum: float | None
    collaboration_cost: float | None
    collaboration_start: float | None
    swaps: int | None
    method: str | None
    unseated: list[str]
    problems: list[str]
    assigned_at: datetime | None
    version: int


@dataclass(frozen=True, slots=True)
class FloorSummary:
    name: str
    desks: int
    seated: int
    assigned_at: datetime | None


def _floor(session: Session, name: str | None) -> FloorPlan:
    if name is None:
        found = session.scalar(select(FloorPlan).order_by(FloorPlan.created_at.desc(), FloorPlan.id.desc()).limit(1))
        if found is None:
            raise NotFoundError("floor: no floor plan yet; load one (desk,x,y[,occupant] as CSV)", field="floor")
        return found
    found = session.scalar(select(FloorPlan).where(FloorPlan.name == " ".join(name.split())))
    if found is None:
        known = ", ".join(session.scalars(select(FloorPlan.name).order_by(FloorPlan.name))) or "none yet"
        raise NotFoundError(f"floor: no floor plan called '{name}' (floors: {known})", field="floor")
    return found


def _floor_name(name: str) -> str:
    text = " ".join(name.split())
    if not text or len(text) > 120:
        raise InvalidError("name: a floor needs a name of 1 to 120 characters", field="name")
    return text


def save_floor(session: Session, actor: Actor, name: str, csv_text: str, *, file: str) -> SeatingOut:
    """Load (or replace) the floor called `name` from CSV text; replacing clears its seat assignment."""
    require(actor, Perm.EDIT_PLAN)
    desks = parse_floor(csv_text, file=file)
    key = _floor_name(name)
    row = session.scalar(select(FloorPlan).where(FloorPlan.name == key))
    before = audit.snapshot(row) if row is not None else None
    if row is None:
        row = FloorPlan(name=key, created_by=actor.user_id)
        session.add(row)
        flush(session)
    else:
        session.execute(delete(SeatAssignment).where(SeatAssignment.floor_id == row.id))
        session.execute(delete(FloorDesk).where(FloorDesk.floor_id == row.id))
        row.assigned_at, row.summary, row.created_at = None, None, utcnow()
    row.source = file[:300]
    session.add_all(FloorDesk(floor_id=row.id, desk=d.desk, x=d.x, y=d.y, occupant=d.occupant) for d in desks)
    flush(session)
    audit.record(session, actor, "load" if before else "create", "floor_plan", row.id, before,
                 audit.snapshot(row) | {"desks": len(desks)})
    return _out(session, row)


@dataclass(slots=True)
class _Person:
    row: Candidate
    value: float


def _people(session: Session, store: ResearchStore, ti: TalentIndex) -> list[_Person]:
    """The people to seat, in priority order."""
    won = set(session.scalars(select(Stage.name).where(Stage.outcome == "won")))
    sent = set(session.scalars(select(Offer.candidate_id).where(Offer.status == "sent")))
    rows = [c for c in session.scalars(select(Candidate).where(Candidate.erased_at.is_(None)).order_by(Candidate.id))
            if c.stage in won or c.stage == SEATED_STAGE or c.id in sent]
    plan = {p.role: p for p in session.scalars(select(PlanRole))}
    per_slot = sorted(plan, key=lambda r: (-(plan[r].budget / plan[r].slots if plan[r].slots else 0), r))
    role_rank = {role: n for n, role in enumerate(per_slot)}
    topic_needs = needs.needs(session)
    ranked = experts.rank_topics(store, ti, [t.topic for t in topic_needs]) if rows and topic_needs else {}
    people = []
    for c in rows:
        value = 0.0
        for need in topic_needs:
            hit = ranked[need.topic].by_person.get(c.person_id or "") if ranked else None
            if hit is not None and c.target_role in need.roles:
                value += hit.score * need.roles[c.target_role]
        people.append(_Person(c, value))
    people.sort(key=lambda p: (p.row.target_role != HEAD_OF_RESEARCH, role_rank.get(p.row.target_role, len(plan)),
                               -p.value, p.row.name.casefold(), p.row.id))
    return people


def _pinned(desks: list[Desk], people: list[_Person]) -> dict[str, int]:
    """Desks whose occupant names a person to seat (#id, e-mail or exact name) -> that person's key."""
    by_ref: dict[str, int] = {}
    for p in people:
        by_ref[f"#{p.row.id}"] = p.row.id
        if p.row.email:
            by_ref[p.row.email.casefold()] = p.row.id
        by_ref.setdefault(p.row.name.casefold(), p.row.id)
    found: dict[str, int] = {}
    for d in desks:
        key = by_ref.get((d.occupant or "").casefold())
        if key is not None:
            if key in found.values():
                other = next(desk for desk, k in found.items() if k == key)
                raise InvalidError(f"occupant: '{d.occupant}' is given two desks, {other} and {d.desk}",
                                   field="occupant")
            found[d.desk] = key
    return found


def seat_floor(session: Session, actor: Actor, store: ResearchStore, ti: TalentIndex, name: str | None = None, *,
               csv_text: str | None = None, file: str | None = None, collaboration: float = 1.0,
               tolerance: float = 0.05) -> SeatingOut:
    """Seat everyone hired or at the offer stage on a floor (loaded first from `csv_text` when given)."""
    require(actor, Perm.EDIT_PLAN)
    if not 0 <= collaboration <= 100:
        raise InvalidError(f"collaboration: a weight from 0 to 100, not {collaboration}", field="collaboration")
    if not 0 <= tolerance <= 10:
        raise InvalidError(f"tolerance: from 0 (priority kept exact) to 10, not {tolerance}", field="tolerance")
    if csv_text is not None:
        # a floor loaded from a file is named after it unless named otherwise
        name = name or (file or "floor").rsplit("/", 1)[-1].removesuffix(".csv")
        save_floor(session, actor, name, csv_text, file=file or f"{name}.csv")
    row = _floor(session, name)
    desks = [Desk(d.desk, d.x, d.y, d.occupant) for d in session.scalars(
        select(FloorDesk).where(FloorDesk.floor_id == row.id).order_by(FloorDesk.desk))]
    people = _people(session, store, ti)
    pinned = _pinned(desks, people)
    leadership = [d for d in desks if d.occupant and d.desk not in pinned]
    if not leadership:
        raise InvalidError("occupant: the floor has no leadership desk; give the CEO's desk (and other leaders') "
                           "an occupant", field="occupant")
    open_desks = [d for d in desks if not d.occupant or d.desk in pinned]
    problems, unseated = [], []
    free = len(open_desks) - len(pinned)
    movers = [p for p in people if p.row.id not in pinned.values()]
    if len(movers) > free:
        unseated = [p.row.id for p in movers[free:]]
        problems.append(f"desks: {len(people)} people to seat and {len(open_desks)} desks for them; the "
                        f"{free + len(pinned)} first by priority are seated, {len(unseated)} are not")
        kept = {p.row.id for p in movers[:free]} | set(pinned.values())
        people = [p for p in people if p.row.id in kept]
    if not people:
        problems.append("people: nobody is hired or at the offer stage yet")
    n = len(people)
    key_pin = {key: desk for desk, key in pinned.items()}
    sitters = [placement.Sitter(p.row.id, (n - i) / n, key_pin.get(p.row.id)) for i, p in enumerate(people)]
    layout = placement.Layout({d.desk: (d.x, d.y) for d in open_desks}, [(d.x, d.y) for d in leadership], sitters,
                              _ties(store, people), collaboration, tolerance,
                              1 if people and people[0].row.target_role == HEAD_OF_RESEARCH else 0)
    placed = placement.place(layout)
    distance = placement.to_leadership(layout)
    before = dict(row.summary) if row.summary else None
    session.execute(delete(SeatAssignment).where(SeatAssignment.floor_id == row.id))
    session.add_all(SeatAssignment(floor_id=row.id, desk=desk, candidate_id=key, distance=distance[desk])
                    for key, desk in placed.seats.items())
    row.assigned_at = utcnow()
    row.summary = {"objective": placed.objective, "priority_cost": placed.priority_cost,
                   "priority_optimum": placed.priority_optimum, "collaboration_cost": placed.collaboration_cost,
                   "collaboration_start": placed.collaboration_start, "swaps": placed.swaps,
                   "method": METHOD.format(tolerance=tolerance), "unseated": unseated, "problems": problems,
                   "order": [p.row.id for p in people], "collaboration": collaboration, "tolerance": tolerance,
                   "leadership": [d.desk for d in leadership]}
    flush(session)
    audit.record(session, actor, "assign", "floor_plan", row.id, before, row.summary)
    return _out(session, row)


def _ties(store: ResearchStore, people: list[_Person]) -> dict[tuple[int, int], float]:
    ties: dict[tuple[int, int], float] = {}
    for i, first in enumerate(people):
        for second in people[i + 1:]:
            if first.row.target_role == second.row.target_role:
                ties[(min(first.row.id, second.row.id), max(first.row.id, second.row.id))] = SAME_ROLE_TIE
    key_of = {p.row.person_id: p.row.id for p in people if p.row.person_id}
    if len(key_of) < 2:
        return ties
    edges = coauthors.coauthor_edges(store, sorted(key_of), now=coauthors.latest_paper_year(store),
                                     half_life_years=3.0, max_authors=MAX_AUTHORS)
    for edge in edges:
        if edge.dst in key_of and edge.src < edge.dst:  # each pair comes both ways: count it once
            a, b = key_of[edge.src], key_of[edge.dst]
            pair = (min(a, b), max(a, b))
            ties[pair] = ties.get(pair, 0.0) + min(edge.joint, MAX_JOINT_PAPERS)
    return ties


def _out(session: Session, row: FloorPlan) -> SeatingOut:
    desks = list(session.scalars(select(FloorDesk).where(FloorDesk.floor_id == row.id).order_by(FloorDesk.desk)))
    seats = {s.desk: s for s in session.scalars(select(SeatAssignment).where(SeatAssignment.floor_id == row.id))}
    people = {c.id: c for c in session.scalars(select(Candidate).where(
        Candidate.id.in_([s.candidate_id for s in seats.values()] or [-1])))}
    summary = row.summary or {}
    order = {key: n for n, key in enumerate(summary.get("order", []), 1)}
    won = set(session.scalars(select(Stage.name).where(Stage.outcome == "won")))
    sent = set(session.scalars(select(Offer.candidate_id).where(Offer.status == "sent")))
    problems = list(summary.get("problems", []))
    assignments = []
    for desk in sorted(seats, key=lambda d: (seats[d].distance, d)):
        s, c = seats[desk], people[seats[desk].candidate_id]
        assignments.append(Assignment(desk, c.id, c.name, c.target_role, c.stage, round(s.distance, 3),
                                      order.get(c.id)))
        if c.erased_at is not None or not (c.stage in won or c.stage == SEATED_STAGE or c.id in sent):
            problems.append(f"seat {desk}: {c.name} ({c.id}) is no longer hired or at the offer stage; assign again")
    # Before the first assignment every occupied desk counts as leadership; after it, the ones it found.
    lead_names = set(summary.get("leadership", [d.desk for d in desks if d.occupant]))
    leaders = [(d.x, d.y) for d in desks if d.desk in lead_names]
    desk_out = []
    for d in desks:
        seat = seats.get(d.desk)
        who = people.get(seat.candidate_id) if seat else None
        near = min((math.dist((d.x, d.y), xy) for xy in leaders), default=None)
        desk_out.append(DeskOut(d.desk, d.x, d.y, d.occupant, d.desk in lead_names, who.id if who else None,
                                who.name if who else None, who.target_role if who else None,
                                round(near, 3) if near is not None else None))
    return SeatingOut(row.name, row.id, row.source, desk_out, assignments, summary.get("objective"),
                      summary.get("priority_cost"), summary.get("priority_optimum"), summary.get("collaboration_cost"),
                      summary.get("collaboration_start"), summary.get("swaps"), summary.get("method"),
                      _names(session, summary.get("unseated", [])), problems, row.assigned_at, row.version)


def _names(session: Session, ids: list[int]) -> list[str]:
    """"Name (id)" for candidate ids: the summary keeps ids only, so an erasure leaves no name behind in it."""
    names = {c.id: c.name for c in session.scalars(select(Candidate).where(Candidate.id.in_(ids or [-1])))}
    return [f"{names.get(i, '[gone]')} ({i})" for i in ids]


def get_seating(session: Session, actor: Actor, name: str | None = None) -> SeatingOut:
    """A floor with its desks and saved seats (the newest floor when no name is given)."""
    require(actor, Perm.VIEW_PIPELINE)
    return _out(session, _floor(session, name))


def list_floors(session: Session, actor: Actor) -> list[FloorSummary]:
    require(actor, Perm.VIEW_PIPELINE)
    found = []
    for row in session.scalars(select(FloorPlan).order_by(FloorPlan.name)):
        desks = len(list(session.scalars(select(FloorDesk.desk).where(FloorDesk.floor_id == row.id))))
        seated = len(list(session.scalars(select(SeatAssignment.desk).where(SeatAssignment.floor_id == row.id))))
        found.append(FloorSummary(row.name, desks, seated, row.assigned_at))
    return found


def _cell(value: object) -> str:
    """A CSV cell a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def seating_csv(seating: SeatingOut) -> str:
    """The seat assignment as CSV: desk, x, y, person, candidate id, role, distance to leadership, priority."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["desk", "x", "y", "person", "candidate_id", "role", "distance_to_leadership", "priority",
                     "occupant"])
    seat_of = {a.desk: a for a in seating.assignments}
    for d in sorted(seating.desks, key=lambda d: d.desk):
        a = seat_of.get(d.desk)
        writer.writerow([_cell(d.desk), d.x, d.y, _cell(a.person if a else ""), a.candidate_id if a else "",
                         _cell(a.role if a else ""), a.distance if a else (d.distance if d.distance is not None
                                                                          else ""),
                         (a.priority or "") if a else "", _cell(d.occupant)])
    return buffer.getvalue()
