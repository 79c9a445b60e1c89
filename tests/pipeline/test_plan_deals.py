"""Plan and budget move with offers; deals count the key people they bring and their cost per key hire."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import Engine

from labscout.errors import ForbiddenError, InvalidError
from labscout.pipeline import candidates, db, deals, offers, plan, policy
from labscout.pipeline.candidates import CandidateIn
from labscout.pipeline.offers import OfferIn
from pipeline.conftest import Team

TODAY = date(2026, 11, 23)


def offer_terms(base: int) -> OfferIn:
    return OfferIn(base=base, start_date=TODAY + timedelta(days=30), expires_on=TODAY + timedelta(days=10))


class TestPlan:
    def test_committed_exposure_progress(self, engine: Engine, team: Team) -> None:
        with db.session_scope(engine) as session:
            plan.set_role(session, team.executive, "Head of Research", slots=1, budget=10_000_000)
            plan.set_role(session, team.executive, "researcher", slots=35, budget=70_000_000)
            policy.set_budget_total(session, team.executive, 100_000_000)
            a = candidates.create_candidate(session, team.recruiter, CandidateIn(name="A", target_role="researcher"))
            b = candidates.create_candidate(session, team.recruiter, CandidateIn(name="B", target_role="researcher"))
            oa = offers.create_offer(session, team.hr, a.id, offer_terms(300_000), today=TODAY)
            ob = offers.create_offer(session, team.hr, b.id, offer_terms(250_000), today=TODAY)
            for o in (oa, ob):
                offers.submit_offer(session, team.hr, o.id)
                offers.approve_offer(session, team.executive, o.id)
                offers.send_offer(session, team.hr, o.id)
            offers.accept_offer(session, team.hr, oa.id, today=TODAY)
            summary = plan.plan_summary(session, team.executive)
            hidden = plan.plan_summary(session, team.recruiter)
        researcher = next(r for r in summary.roles if r.role == "researcher")
        assert (researcher.hired, researcher.offers_out, researcher.open_slots) == (1, 1, 34)
        assert (researcher.committed, researcher.exposure, researcher.remaining) == (
            1_200_000, 1_000_000, 70_000_000 - 2_200_000)
        assert (summary.slots, summary.hired, summary.progress) == (36, 1, round(1 / 36, 4))
        assert (summary.budget_total, summary.committed, summary.exposure, summary.remaining) == (
            100_000_000, 1_200_000, 1_000_000, 97_800_000)
        assert hidden.hired == 1 and hidden.budget_total is None
        assert all(r.budget is None and r.committed is None for r in hidden.roles)

    def test_only_the_executive_edits_the_plan(self, engine: Engine, team: Team) -> None:
        with pytest.raises(ForbiddenError), db.session_scope(engine) as session:
            plan.set_role(session, team.hr, "researcher", slots=3)
        with pytest.raises(InvalidError, match="slots"), db.session_scope(engine) as session:
            plan.set_role(session, team.executive, "researcher", slots=-3)


class TestDeals:
    def test_cost_per_key_person_and_hire(self, engine: Engine, team: Team) -> None:
        with db.session_scope(engine) as session:
            deal = deals.create_deal(session, team.executive, kind="acquihire", company="Tiny Lab",
                                     amount=30_000_000, stake_percent="100")
            for name in ("Founder One", "Founder Two", "Engineer Three"):
                c = candidates.create_candidate(session, team.recruiter,
                                                CandidateIn(name=name, target_role="researcher", source="deal"))
                deals.add_key_person(session, team.executive, deal.id, c.id, note="founder")
            candidates.move_stage(session, team.recruiter, c.id, "accepted")
            found = deals.get_deal(session, team.hr, deal.id)
        assert (found.kind, found.stake_percent, len(found.key_people)) == ("acqui-hire", "100.000", 3)
        assert (found.cost_per_key_person, found.cost_per_key_hire) == (10_000_000, 30_000_000)

    @pytest.mark.parametrize(("fields", "message"), [
        ({"kind": "merger"}, "unknown deal kind"), ({"amount": -5}, "amount"), ({"stake_percent": "150"}, "stake"),
        ({"company": " "}, "company"),
    ])
    def test_bad_deals_are_rejected(self, engine: Engine, team: Team, fields: dict[str, object],
                                    message: str) -> None:
        values: dict[str, object] = {"kind": "investment", "company": "Co", "amount": 1_000_000, **fields}
        with pytest.raises(InvalidError, match=message), db.session_scope(engine) as session:
            deals.create_deal(session, team.executive, **values)  # type: ignore[arg-type]

    def test_recruiters_do_not_see_deals(self, engine: Engine, team: Team) -> None:
        with pytest.raises(ForbiddenError), db.session_scope(engine) as session:
            deals.list_deals(session, team.recruiter)
