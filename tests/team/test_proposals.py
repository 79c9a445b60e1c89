"""Proposing the team on the small research world: the slate, why each person is in, what-ifs and bad input."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, timedelta
from math import isclose

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from labscout.errors import ForbiddenError, InvalidError, NotFoundError
from labscout.pipeline import candidates, db, offers, plan, policy
from labscout.pipeline.candidates import CandidateIn
from labscout.pipeline.offers import OfferIn
from labscout.research import queries
from labscout.research.store import ResearchStore
from labscout.talent.index import TalentIndex
from labscout.team import costs, needs, proposals
from labscout.team.costs import EstimateIn
from labscout.team.proposals import SlateOptions, WhatIf
from pipeline.conftest import Team

TODAY = date.today()
# (name, role, stage) in the world of tests/world.py
PEOPLE = [("Ada Lovel", "researcher", "meeting"), ("Finn Cho", "researcher", "identified"),
          ("Cleo Stone", "researcher", "offer"), ("Eve Park", "researcher", "contacted"),
          ("Dan Ray", "head of research", "meeting"), ("Ben Kim", "researcher", "identified")]


def seed(engine: Engine, team: Team, store: ResearchStore, *, total: int | None = None) -> dict[str, int]:
    """The plan, the topics and six candidates; Cleo's estimate is 35M, the others cost the budget per slot."""
    ids = {}
    with db.session_scope(engine) as session:
        plan.set_role(session, team.executive, "head of research", slots=1, budget=30_000_000)
        plan.set_role(session, team.executive, "researcher", slots=2, budget=40_000_000)
        if total is not None:
            policy.set_budget_total(session, team.executive, total)
        needs.set_need(session, team.executive, "reinforcement learning",
                       roles={"head of research": 1.0, "researcher": 1.0})
        needs.set_need(session, team.executive, "diffusion", roles={"researcher": 1.0}, min_people=1)
        for name, role, stage in PEOPLE:
            made = candidates.create_candidate(session, team.recruiter, CandidateIn(
                name=name, target_role=role, person_id=queries.resolve_person(store, name)), stage=stage)
            ids[name] = made.id
        costs.set_estimate(session, team.hr, ids["Cleo Stone"], EstimateIn(cost=35_000_000))
    return ids


def propose(engine: Engine, actor: object, store: ResearchStore, ti: TalentIndex,
            options: SlateOptions | None = None) -> proposals.TeamProposal:
    with db.session_scope(engine) as session:
        return proposals.propose_team(session, actor, store, ti, options)  # type: ignore[arg-type]


class TestPropose:
    def test_the_best_slate_its_figures_and_why(self, engine: Engine, team: Team, store: ResearchStore,
                                                talent_index: TalentIndex) -> None:
        ids = seed(engine, team, store)
        found = propose(engine, team.executive, store, talent_index)
        assert {p.candidate for p in found.picks} == {"Ada Lovel", "Cleo Stone"}
        assert (found.total_cost, found.budget, found.available, found.currency) == (
            55_000_000, 70_000_000, 70_000_000, "USD")
        assert found.optimal and found.gap is not None and found.gap <= 1e-6 and found.feasible
        assert isclose(found.objective, sum(p.value for p in found.picks), abs_tol=1e-3)
        cleo = next(p for p in found.picks if p.candidate == "Cleo Stone")
        assert (cleo.expected_cost, cleo.cost_source, cleo.chance, cleo.role) == (35_000_000, "estimate", 0.6,
                                                                                  "researcher")
        # value = chance at the offer stage x her expert score for diffusion (#1)
        assert isclose(cleo.value, 0.6 * cleo.topics[1].score, abs_tol=1e-3)
        assert cleo.why[0] == f"#1 for 'diffusion' (score {cleo.topics[1].score:.2f})"
        assert "chance 60% at stage 'offer'" in cleo.why
        assert "one of the 1 experts the team needs for 'diffusion'" in cleo.why
        assert found.greedy.objective <= found.objective + 1e-9
        left = {x.candidate: x.reason for x in found.left_out}
        assert left["Dan Ray"] == "does not fit the budget left (15,000,000)"
        assert found.roles == [
            proposals.RoleFill("head of research", 1, 0, 1, 1, 0), proposals.RoleFill("researcher", 2, 0, 2, 5, 2)]
        data = asdict(found)
        assert {"picks", "total_cost", "budget", "objective", "optimal", "gap", "greedy"} <= set(data)
        assert {"candidate", "candidate_id", "role", "expected_cost", "value"} <= set(data["picks"][0])
        assert {"objective", "cost"} <= set(data["greedy"])
        assert ids

    def test_recruiters_see_the_slate_without_money(self, engine: Engine, team: Team, store: ResearchStore,
                                                    talent_index: TalentIndex) -> None:
        seed(engine, team, store)
        found = propose(engine, team.recruiter, store, talent_index)
        assert found.redacted and {p.candidate for p in found.picks} == {"Ada Lovel", "Cleo Stone"}
        assert found.total_cost is None and found.budget is None and found.greedy.cost is None
        assert all(p.expected_cost is None and not any("million" in w for w in p.why) for p in found.picks)
        assert not any(any(ch.isdigit() for ch in x.reason) for x in found.left_out)
        with pytest.raises(ForbiddenError, match="may not see the budget"):
            propose(engine, team.recruiter, store, talent_index, SlateOptions(plus_budget=10_000_000))
        with pytest.raises(ForbiddenError):
            propose(engine, team.viewer, store, talent_index)

    def test_must_haves_exclusions_and_the_org_cap(self, engine: Engine, team: Team, store: ResearchStore,
                                                   talent_index: TalentIndex) -> None:
        ids = seed(engine, team, store, total=200_000_000)
        with db.session_scope(engine) as session:
            costs.set_estimate(session, team.hr, ids["Ada Lovel"], EstimateIn(rule="out"))
        found = propose(engine, team.executive, store, talent_index, SlateOptions(must=(ids["Ben Kim"],)))
        assert {p.candidate for p in found.picks} == {"Ben Kim", "Cleo Stone", "Dan Ray"}
        assert next(p for p in found.picks if p.candidate == "Ben Kim").why[0] == "a must-have (asked for this " \
            "proposal)"
        assert ("Ada Lovel", "left out by the team's rule") in {(x.candidate, x.reason) for x in found.left_out}
        # Cleo and Eve both work at Stanford: a cap of one keeps the better
        with db.session_scope(engine) as session:
            costs.set_estimate(session, team.hr, ids["Ada Lovel"], EstimateIn(clear=("rule",)))
        capped = propose(engine, team.executive, store, talent_index, SlateOptions(max_per_org=1))
        orgs = [p.org for p in capped.picks]
        assert len(orgs) == len(set(orgs))

    def test_must_and_without_the_same_person_is_refused(self, engine: Engine, team: Team, store: ResearchStore,
                                                         talent_index: TalentIndex) -> None:
        ids = seed(engine, team, store)
        with pytest.raises(InvalidError, match="cannot be both in and out"):
            propose(engine, team.executive, store, talent_index,
                    SlateOptions(must=(ids["Eve Park"],), without=(ids["Eve Park"],)))
        with pytest.raises(NotFoundError, match="no candidate with id 999"):
            propose(engine, team.executive, store, talent_index, SlateOptions(must=(999,)))


class TestWhatIf:
    def _what_if(self, engine: Engine, team: Team, store: ResearchStore, ti: TalentIndex,
                 change: WhatIf) -> proposals.WhatIfOut:
        with db.session_scope(engine) as session:
            return proposals.what_if(session, team.executive, store, ti, change)

    def test_more_budget_brings_the_head_of_research(self, engine: Engine, team: Team, store: ResearchStore,
                                                     talent_index: TalentIndex) -> None:
        seed(engine, team, store)
        found = self._what_if(engine, team, store, talent_index, WhatIf(plus_budget=15_000_000))
        assert found.label == "budget +15,000,000"
        assert [p.candidate for p in found.added] == ["Dan Ray"] and not found.removed
        assert found.cost_change == 30_000_000 and found.objective_change > 0
        assert found.proposal.available == 85_000_000

    def test_one_more_slot_and_without_someone(self, engine: Engine, team: Team, store: ResearchStore,
                                               talent_index: TalentIndex) -> None:
        ids = seed(engine, team, store, total=110_000_000)
        slot = self._what_if(engine, team, store, talent_index, WhatIf(plus_slot="Researcher"))
        assert slot.label == "one more 'researcher' slot" and [p.candidate for p in slot.added] == ["Eve Park"]
        without = self._what_if(engine, team, store, talent_index, WhatIf(without=ids["Cleo Stone"]))
        assert without.label == "without Cleo Stone"
        assert [p.candidate for p in without.removed] == ["Cleo Stone"]
        # diffusion still needs an expert: Eve, not the higher-ranked RL expert Finn
        assert [p.candidate for p in without.added] == ["Eve Park"]
        with pytest.raises(InvalidError, match="say what changes"):
            self._what_if(engine, team, store, talent_index, WhatIf())


def accept_offer(session: Session, team: Team, candidate_id: int, base: int, currency: str = "USD") -> None:
    terms = OfferIn(base=base, start_date=TODAY + timedelta(days=30), expires_on=TODAY + timedelta(days=10),
                    currency=currency)
    o = offers.create_offer(session, team.hr, candidate_id, terms)
    offers.submit_offer(session, team.hr, o.id)
    offers.approve_offer(session, team.executive, o.id)
    offers.send_offer(session, team.hr, o.id)
    offers.accept_offer(session, team.hr, o.id)


class TestBadInput:
    def test_a_budget_below_committed_spend(self, engine: Engine, team: Team, store: ResearchStore,
                                            talent_index: TalentIndex) -> None:
        ids = seed(engine, team, store, total=30_000_000)
        with db.session_scope(engine) as session:
            accept_offer(session, team, ids["Finn Cho"], 10_000_000)  # 40M over 4 years
        found = propose(engine, team.executive, store, talent_index)
        assert not found.feasible and found.picks == [] and found.committed == 40_000_000
        budget = next(p for p in found.problems if p.constraint == "budget")
        assert budget.blocking and budget.message.startswith(
            "budget: 30,000,000 is below the committed spend 40,000,000 (accepted offers)")
        assert "raised by at least 10,000,000" in budget.message
        assert found.roles[1] == proposals.RoleFill("researcher", 2, 1, 1, 4, 0)

    def test_more_must_haves_than_slots_gives_the_closest_slate(self, engine: Engine, team: Team,
                                                               store: ResearchStore,
                                                               talent_index: TalentIndex) -> None:
        ids = seed(engine, team, store, total=200_000_000)
        found = propose(engine, team.executive, store, talent_index,
                        SlateOptions(must=(ids["Ada Lovel"], ids["Cleo Stone"], ids["Eve Park"])))
        assert not found.feasible
        messages = [p.message for p in found.problems if p.blocking]
        assert "slots: 3 must-haves for 'researcher' but 2 open slot(s) (2 planned, 0 hired)" in messages
        assert any(m.startswith("must: Eve Park") and "closest slate leaves them out" in m for m in messages)
        assert {p.candidate for p in found.picks} == {"Ada Lovel", "Cleo Stone", "Dan Ray"}

    def test_a_role_without_candidates_and_a_cost_in_another_currency(self, engine: Engine, team: Team,
                                                                     store: ResearchStore,
                                                                     talent_index: TalentIndex) -> None:
        ids = seed(engine, team, store)
        with db.session_scope(engine) as session:
            plan.set_role(session, team.executive, "engineer", slots=2, budget=10_000_000)
            costs.set_estimate(session, team.hr, ids["Eve Park"], EstimateIn(cost=5_000_000, currency="EUR"))
        found = propose(engine, team.executive, store, talent_index)
        notes = {p.constraint: p for p in found.problems}
        assert notes["role"].message == "role: 'engineer' has 2 open slot(s) and no candidate in the pipeline for it"
        assert not notes["role"].blocking and found.feasible
        assert "Eve Park" in notes["currency"].message and "is in EUR and the plan counts in USD, with no exchange " \
            "rate from it" in notes["currency"].message
        assert "Eve Park" not in {p.candidate for p in found.picks}

    def test_other_currencies_count_at_the_executive_s_rate(self, engine: Engine, team: Team,
                                                            store: ResearchStore, talent_index: TalentIndex) -> None:
        from labscout.pipeline import money

        ids = seed(engine, team, store)
        with db.session_scope(engine) as session:
            money.set_rate(session, team.executive, "EUR", "1.10")
            accept_offer(session, team, ids["Finn Cho"], 100_000, currency="EUR")
            costs.set_estimate(session, team.hr, ids["Eve Park"], EstimateIn(cost=5_000_000, currency="EUR"))
        found = propose(engine, team.executive, store, talent_index, SlateOptions(must=(ids["Eve Park"],)))
        assert found.committed == 440_000  # 4 x 100,000 EUR at 1.10
        eve = next(p for p in found.picks if p.candidate == "Eve Park")
        assert eve.expected_cost == 5_500_000 and eve.cost_source == "estimate"

    def test_no_plan_no_slate(self, engine: Engine, team: Team, store: ResearchStore,
                              talent_index: TalentIndex) -> None:
        with pytest.raises(InvalidError, match="roles: the hiring plan has no roles"):
            propose(engine, team.executive, store, talent_index)
