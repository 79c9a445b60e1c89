"""Expected cost (offer, else estimate, else the plan's budget per slot) and chance (the team's, else the stage's)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import Engine

from labscout.errors import ConflictError, ForbiddenError, InvalidError
from labscout.pipeline import candidates, db, offers, plan, stages
from labscout.pipeline.candidates import CandidateIn
from labscout.pipeline.offers import OfferIn
from labscout.team import costs
from labscout.team.costs import EstimateIn
from pipeline.conftest import Team

TODAY = date.today()


def add(engine: Engine, team: Team, name: str, role: str = "researcher") -> int:
    with db.session_scope(engine) as session:
        return candidates.create_candidate(session, team.recruiter, CandidateIn(name=name, target_role=role)).id


class TestCost:
    def test_offer_then_estimate_then_budget_per_slot(self, engine: Engine, team: Team) -> None:
        a, b, c, d = (add(engine, team, n) for n in ("A", "B", "C", "D"))
        with db.session_scope(engine) as session:
            plan.set_role(session, team.executive, "researcher", slots=4, budget=100_000_000)
            costs.set_estimate(session, team.hr, b, EstimateIn(cost=30_000_000))
            costs.set_estimate(session, team.hr, a, EstimateIn(cost=99_000_000))  # the offer wins over this
            offers.create_offer(session, team.hr, a, OfferIn(base=1_000_000, equity_value=4_000_000,
                                                             start_date=TODAY + timedelta(days=30),
                                                             expires_on=TODAY + timedelta(days=9)))
            found = {x.candidate_id: x for x in costs.list_costs(session, team.executive)}
        assert (found[a].cost, found[a].cost_source) == (8_000_000, "offer")
        assert (found[b].cost, found[b].cost_source, found[b].currency) == (30_000_000, "estimate", "USD")
        assert (found[c].cost, found[c].cost_source) == (25_000_000, "plan")
        assert found[d].chance == 0.05 and found[d].chance_source == "stage"

    def test_no_plan_line_means_no_cost(self, engine: Engine, team: Team) -> None:
        a = add(engine, team, "A", role="founder")
        with db.session_scope(engine) as session:
            found = costs.get_cost(session, team.hr, a)
        assert (found.cost, found.cost_source) == (None, "none")

    def test_recruiters_see_chances_not_costs(self, engine: Engine, team: Team) -> None:
        a = add(engine, team, "A")
        with db.session_scope(engine) as session:
            costs.set_estimate(session, team.hr, a, EstimateIn(cost=30_000_000, note="asked for 7.5M a year"))
            seen = costs.get_cost(session, team.recruiter, a)
            with pytest.raises(ForbiddenError):
                costs.set_estimate(session, team.recruiter, a, EstimateIn(cost=1))
            with pytest.raises(ForbiddenError):
                costs.list_costs(session, team.viewer)
        assert seen.redacted and seen.cost is None and seen.estimate is None and seen.note is None
        assert seen.cost_source == "estimate" and seen.chance == 0.05

    @pytest.mark.parametrize(("change", "message"), [
        (EstimateIn(cost=-5), "cost: a 4-year cost is a whole amount"),
        (EstimateIn(cost=10**13), "cost: a 4-year cost"),
        (EstimateIn(chance=1.5), "chance: a chance is between 0 and 1"),
        (EstimateIn(chance=float("nan")), "chance:"),
        (EstimateIn(rule="maybe"), "rule: 'maybe' is not a slate rule"),
        (EstimateIn(cost=5, currency="dollars"), "currency: expected a 3-letter currency code"),
        (EstimateIn(clear=("salary",)), "clear: unknown field"),
    ])
    def test_bad_values_name_the_field(self, engine: Engine, team: Team, change: EstimateIn, message: str) -> None:
        a = add(engine, team, "A")
        with db.session_scope(engine) as session, pytest.raises(InvalidError, match=message):
            costs.set_estimate(session, team.executive, a, change)

    def test_own_chance_rule_clear_and_stale_version(self, engine: Engine, team: Team) -> None:
        a = add(engine, team, "A")
        with db.session_scope(engine) as session:
            first = costs.set_estimate(session, team.recruiter, a, EstimateIn(chance=0.8))
            ruled = costs.set_estimate(session, team.hr, a, EstimateIn(rule="IN"), expected_version=first.version)
            with pytest.raises(ConflictError, match="changed meanwhile"):
                costs.set_estimate(session, team.hr, a, EstimateIn(rule="out"), expected_version=first.version)
            cleared = costs.set_estimate(session, team.hr, a, EstimateIn(clear=("chance", "rule")))
        assert (first.chance, first.chance_source) == (0.8, "candidate")
        assert ruled.rule == "in"
        assert (cleared.chance, cleared.chance_source, cleared.rule) == (0.05, "stage", None)


class TestChances:
    def test_defaults_team_figures_and_added_stages(self, engine: Engine, team: Team) -> None:
        with db.session_scope(engine) as session:
            stages.add_stage(session, team.executive, "dinner", after="meeting")
            costs.set_chance(session, team.executive, "Offer", 0.7)
            found = {c.stage: c for c in costs.list_chances(session, team.recruiter)}
            with pytest.raises(ForbiddenError):
                costs.set_chance(session, team.hr, "offer", 0.9)
            with pytest.raises(InvalidError, match="unknown stage"):
                costs.set_chance(session, team.executive, "lunch", 0.5)
            back = costs.set_chance(session, team.executive, "offer", None)
        assert {k: v.chance for k, v in found.items()} == {
            "identified": 0.05, "contacted": 0.10, "in conversation": 0.20, "meeting": 0.35, "dinner": 0.35,
            "offer": 0.7, "accepted": 1.0, "declined": 0.0, "withdrawn": 0.0}
        assert found["offer"].source == "team" and found["dinner"].source == "default"
        assert (back.chance, back.source) == (0.60, "default")


def test_erasure_removes_the_estimate_and_export_shows_it(engine: Engine, team: Team) -> None:
    from labscout.pipeline import privacy
    from labscout.pipeline.team_models import CandidateEstimate

    a = add(engine, team, "A")
    with db.session_scope(engine) as session:
        costs.set_estimate(session, team.hr, a, EstimateIn(cost=30_000_000, note="home phone 555-0100"))
        exported = privacy.export_person(session, team.hr, a)
        privacy.erase_person(session, team.hr, a, "request by the person")
        assert session.get(CandidateEstimate, a) is None
    assert exported["team_estimate"]["note"] == "home phone 555-0100"
