"""Building the team over HTTP: cost and chance per candidate, needed topics, the slate, coverage, seating.

Every endpoint calls a `labscout.team` service with the signed-in actor; the services decide what each role may
see (costs and budget only for executive and HR), so the API shows exactly what they show.
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi import Path as FastPath
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, Field

from labscout.api.deps import Found, SignedIn, Unit
from labscout.api.routers.pipeline import MONEY, Id
from labscout.team import costs, coverage, needs, proposals, seating

router = APIRouter(tags=["team"])
Ids = Annotated[list[Annotated[int, Field(ge=1, le=2_147_483_647)]] | None, Query(max_length=200)]
Name = Annotated[str, FastPath(min_length=1, max_length=120)]
Chance = Annotated[float, Field(ge=0.0, le=1.0)]


class EstimateBody(BaseModel):
    cost: int | None = Field(default=None, ge=0, le=MONEY)
    currency: str | None = Field(default=None, min_length=3, max_length=3)
    chance: Chance | None = None
    rule: str | None = Field(default=None, max_length=3)
    note: str | None = Field(default=None, max_length=2000)
    clear: list[str] = Field(default_factory=list, max_length=4)
    expected_version: int | None = Field(default=None, ge=0, le=2_147_483_647)


class ChanceBody(BaseModel):
    chance: Chance | None = None


class TopicBody(BaseModel):
    topic: str = Field(min_length=1, max_length=300)
    roles: dict[str, Annotated[float, Field(gt=0, le=100)]] | None = Field(default=None, max_length=50)
    min_people: int | None = Field(default=None, ge=0, le=10_000)


class RulesBody(BaseModel):
    max_per_org: int | None = Field(default=None, ge=1, le=10_000)
    no_org_cap: bool = False
    expert_top: int | None = Field(default=None, ge=1, le=1000)


class FloorBody(BaseModel):
    csv: str = Field(min_length=1, max_length=1_000_000)
    file: str | None = Field(default=None, max_length=300)


class SeatBody(BaseModel):
    collaboration: float = Field(default=1.0, ge=0, le=100)
    tolerance: float = Field(default=0.05, ge=0, le=10)


@router.get("/team/costs", summary="Expected 4-year cost and chance of acceptance per candidate")
def list_costs(unit: Unit, who: SignedIn, role: Annotated[str | None, Query(max_length=80)] = None,
               closed: bool = False) -> list[costs.CandidateCost]:
    return costs.list_costs(unit, who, role=role, include_closed=closed)


@router.get("/team/costs/{candidate_id}", summary="One candidate's expected cost and chance")
def get_cost(unit: Unit, who: SignedIn, candidate_id: Id) -> costs.CandidateCost:
    return costs.get_cost(unit, who, candidate_id)


@router.put("/team/costs/{candidate_id}", summary="Enter a candidate's cost estimate, chance or slate rule")
def set_estimate(unit: Unit, who: SignedIn, candidate_id: Id, body: EstimateBody) -> costs.CandidateCost:
    change = costs.EstimateIn(cost=body.cost, currency=body.currency, chance=body.chance, rule=body.rule,
                              note=body.note, clear=tuple(body.clear))
    return costs.set_estimate(unit, who, candidate_id, change, expected_version=body.expected_version)


@router.get("/team/chances", summary="The chance of acceptance at each stage")
def list_chances(unit: Unit, who: SignedIn) -> list[costs.StageChanceOut]:
    return costs.list_chances(unit, who)


@router.put("/team/chances/{stage}", summary="Set a stage's chance of acceptance (null: the default)")
def set_chance(unit: Unit, who: SignedIn, stage: Annotated[str, FastPath(max_length=40)],
               body: ChanceBody) -> costs.StageChanceOut:
    return costs.set_chance(unit, who, stage, body.chance)


@router.get("/team/topics", summary="The topics the plan's roles need")
def list_topics(unit: Unit, who: SignedIn) -> list[needs.TopicNeed]:
    return needs.list_needs(unit, who)


@router.put("/team/topics", summary="Add or change a needed topic: its roles (weights) and minimum of experts")
def set_topic(unit: Unit, who: SignedIn, body: TopicBody) -> needs.TopicNeed:
    return needs.set_need(unit, who, body.topic, roles=body.roles, min_people=body.min_people)


@router.delete("/team/topics", status_code=204, summary="Stop needing a topic")
def remove_topic(unit: Unit, who: SignedIn, topic: Annotated[str, Query(min_length=1, max_length=300)]) -> None:
    needs.remove_need(unit, who, topic)


@router.get("/team/rules", summary="The rules every slate keeps")
def get_rules(unit: Unit, who: SignedIn) -> needs.TeamRules:
    return needs.get_rules(unit, who)


@router.put("/team/rules", summary="Change the cap per organisation and the depth of a topic's experts")
def set_rules(unit: Unit, who: SignedIn, body: RulesBody) -> needs.TeamRules:
    return needs.set_rules(unit, who, max_per_org=body.max_per_org, no_org_cap=body.no_org_cap,
                           expert_top=body.expert_top)


def _options(must: list[int] | None, exclude: list[int] | None, max_per_org: int | None,
             time_limit: float) -> proposals.SlateOptions:
    return proposals.SlateOptions(must=tuple(must or ()), without=tuple(exclude or ()), max_per_org=max_per_org,
                                  time_limit=time_limit)


MaxPerOrg = Annotated[int | None, Query(ge=1, le=10_000)]
TimeLimit = Annotated[float, Query(ge=0.1, le=60)]


@router.get("/team/proposal", summary="The best slate under the budget (HiGHS), the greedy one, and why")
def propose(found: Found, unit: Unit, who: SignedIn, must: Ids = None, exclude: Ids = None,
            max_per_org: MaxPerOrg = None, time_limit: TimeLimit = 10.0) -> proposals.TeamProposal:
    return proposals.propose_team(unit, who, found.store, found.talent,
                                  _options(must, exclude, max_per_org, time_limit))


@router.get("/team/what-if", summary="The slate with more budget, one more slot or someone left out")
def what_if(found: Found, unit: Unit, who: SignedIn, plus_budget: Annotated[int, Query(ge=-MONEY, le=MONEY)] = 0,
            plus_slot: Annotated[str | None, Query(max_length=80)] = None,
            without: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None, must: Ids = None,
            exclude: Ids = None, max_per_org: MaxPerOrg = None, time_limit: TimeLimit = 10.0) -> proposals.WhatIfOut:
    return proposals.what_if(unit, who, found.store, found.talent, proposals.WhatIf(plus_budget, plus_slot, without),
                             _options(must, exclude, max_per_org, time_limit))


@router.get("/team/coverage", summary="Per needed topic: its top experts in the pipeline, by stage and owner")
def topic_coverage(found: Found, unit: Unit, who: SignedIn, top: Annotated[int | None, Query(ge=1, le=1000)] = None,
                   best: Annotated[int, Query(ge=0, le=100)] = 5) -> list[coverage.TopicCoverage]:
    return coverage.topic_coverage(unit, who, found.store, found.talent, top=top, best=best)


@router.get("/seating/floors", summary="Floor plans and how many are seated on each")
def list_floors(unit: Unit, who: SignedIn) -> list[seating.FloorSummary]:
    return seating.list_floors(unit, who)


@router.put("/seating/floors/{name}", summary="Load or replace a floor plan (CSV: desk,x,y[,occupant])")
def save_floor(unit: Unit, who: SignedIn, name: Name, body: FloorBody) -> seating.SeatingOut:
    return seating.save_floor(unit, who, name, body.csv, file=body.file or f"{name}.csv")


@router.post("/seating/floors/{name}/assign", summary="Seat everyone hired or at the offer stage on a floor")
def assign(found: Found, unit: Unit, who: SignedIn, name: Name, body: SeatBody) -> seating.SeatingOut:
    return seating.seat_floor(unit, who, found.store, found.talent, name, collaboration=body.collaboration,
                              tolerance=body.tolerance)


@router.get("/seating", summary="A floor's desks and seats (the newest floor unless one is named)")
def get_seating(unit: Unit, who: SignedIn, floor: Annotated[str | None, Query(max_length=120)] = None,
                ) -> seating.SeatingOut:
    return seating.get_seating(unit, who, floor)


@router.get("/seating/floors/{name}/seats.csv", response_class=PlainTextResponse,
            summary="A floor's seat assignment as CSV")
def seats_csv(unit: Unit, who: SignedIn, name: Name) -> PlainTextResponse:
    safe = re.sub(r"[^A-Za-z0-9_-]+", "-", name)[:40] or "floor"
    return PlainTextResponse(seating.seating_csv(seating.get_seating(unit, who, name)), media_type="text/csv",
                             headers={"Content-Disposition": f'attachment; filename="seats-{safe}.csv"'})
