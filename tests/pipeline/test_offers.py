"""Offers: totals, bad figures, the approval rules, redaction, the status flow and its effect on the stage."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select

from labscout.errors import ConflictError, ForbiddenError, InvalidError, NotFoundError
from labscout.pipeline import candidates, db, offers, policy, privacy
from labscout.pipeline.candidates import CandidateIn
from labscout.pipeline.models import Offer
from labscout.pipeline.offers import OfferIn
from pipeline.conftest import Team

TODAY = date(2026, 11, 23)


def terms(**changes: object) -> OfferIn:
    base = {"base": 400_000, "bonus": 100_000, "signing": 50_000, "equity_value": 800_000, "vesting_years": 4,
            "gpus": 256, "start_date": TODAY + timedelta(days=60), "expires_on": TODAY + timedelta(days=14)}
    return OfferIn(**{**base, **changes})  # type: ignore[arg-type]


@pytest.fixture()
def candidate_id(engine: Engine, team: Team) -> int:
    with db.session_scope(engine) as session:
        return candidates.create_candidate(session, team.recruiter,
                                           CandidateIn(name="Ada", target_role="researcher")).id


def draft(engine: Engine, team: Team, candidate_id: int, **changes: object) -> offers.OfferOut:
    with db.session_scope(engine) as session:
        return offers.create_offer(session, team.hr, candidate_id, terms(**changes), today=TODAY)


class TestTotal:
    def test_four_years_of_cash_signing_and_vested_equity(self) -> None:
        # 4 * (400k + 100k) + 50k + 800k (all vests within 4 years)
        assert offers.total_value(terms()) == 2_850_000
        # a 5-year vesting schedule: only 4/5 of 1M vests within the 4 years
        assert offers.total_value(terms(equity_value=1_000_000, vesting_years=5)) == 2_000_000 + 50_000 + 800_000


class TestCreate:
    @pytest.mark.parametrize(("changes", "message"), [
        ({"base": -1}, "base: must not be negative"),
        ({"bonus": 500_000_000}, "bonus: 500,000,000 is above the plausible maximum"),
        ({"expires_on": TODAY - timedelta(days=1)}, "expires_on: 2026-11-22 is before the offer starts"),
        ({"start_date": TODAY - timedelta(days=3)}, "start_date: 2026-11-20 is in the past"),
        ({"vesting_years": 0}, "vesting_years"), ({"currency": "dollars"}, "currency"),
    ])
    def test_bad_figures_are_named_and_nothing_written(self, engine: Engine, team: Team, candidate_id: int,
                                                       changes: dict[str, object], message: str) -> None:
        with pytest.raises(InvalidError, match=message):
            draft(engine, team, candidate_id, **changes)
        with db.session_scope(engine) as session:
            assert session.scalar(select(func.count()).select_from(Offer)) == 0

    def test_recruiter_may_not_draft(self, engine: Engine, team: Team, candidate_id: int) -> None:
        with pytest.raises(ForbiddenError, match="draft offers"), db.session_scope(engine) as session:
            offers.create_offer(session, team.recruiter, candidate_id, terms(), today=TODAY)

    def test_one_offer_in_progress_per_candidate(self, engine: Engine, team: Team, candidate_id: int) -> None:
        draft(engine, team, candidate_id)
        with pytest.raises(ConflictError, match="already has offer"):
            draft(engine, team, candidate_id)


class TestRedaction:
    def test_compensation_hidden_from_recruiter_and_viewer(self, engine: Engine, team: Team,
                                                           candidate_id: int) -> None:
        o = draft(engine, team, candidate_id)
        with db.session_scope(engine) as session:
            seen = {who: offers.get_offer(session, actor, o.id) for who, actor in
                    (("exec", team.executive), ("hr", team.hr), ("rec", team.recruiter))}
        # A viewer is discovery-only: no offer at all, figures or not.
        with pytest.raises(ForbiddenError), db.session_scope(engine) as session:
            offers.get_offer(session, team.viewer, o.id)
        assert seen["exec"].total_4y == seen["hr"].total_4y == 2_850_000 and seen["hr"].gpus == 256
        for who in ("rec",):
            hidden = seen[who]
            assert hidden.redacted and hidden.status == "draft"
            assert (hidden.base, hidden.bonus, hidden.signing, hidden.equity_value, hidden.total_4y,
                    hidden.gpus) == (None,) * 6


class TestApproval:
    def test_below_threshold_hr_approves_anothers_draft(self, engine: Engine, team: Team, candidate_id: int) -> None:
        with db.session_scope(engine) as session:
            policy.set_approval_threshold(session, team.executive, 5_000_000)
            o = offers.create_offer(session, team.executive, candidate_id, terms(), today=TODAY)
            offers.submit_offer(session, team.executive, o.id)
            approved = offers.approve_offer(session, team.hr, o.id)
        assert approved.status == "approved" and approved.approved_by == team.hr.user_id

    def test_above_threshold_only_the_executive(self, engine: Engine, team: Team, candidate_id: int) -> None:
        o = draft(engine, team, candidate_id)  # 2.85M > default threshold 1.5M
        assert o.needs_executive
        with db.session_scope(engine) as session:
            offers.submit_offer(session, team.hr, o.id)
        with pytest.raises(ForbiddenError, match="nobody approves"), db.session_scope(engine) as session:
            offers.approve_offer(session, team.hr, o.id)
        with db.session_scope(engine) as session:
            assert offers.approve_offer(session, team.executive, o.id).status == "approved"

    def test_no_self_approval_below_executive(self, engine: Engine, team: Team, candidate_id: int) -> None:
        o = draft(engine, team, candidate_id, base=100_000, bonus=0, signing=0, equity_value=0)
        with db.session_scope(engine) as session:
            offers.submit_offer(session, team.hr, o.id)
            with pytest.raises(ForbiddenError, match="nobody approves an offer they drafted"):
                offers.approve_offer(session, team.hr, o.id)

    def test_cannot_send_before_approval(self, engine: Engine, team: Team, candidate_id: int) -> None:
        o = draft(engine, team, candidate_id)
        with pytest.raises(ConflictError, match="is draft; it cannot be sent"), db.session_scope(engine) as session:
            offers.send_offer(session, team.hr, o.id)


class TestFlow:
    def approved_and_sent(self, engine: Engine, team: Team, candidate_id: int) -> int:
        o = draft(engine, team, candidate_id)
        with db.session_scope(engine) as session:
            offers.submit_offer(session, team.hr, o.id)
            offers.approve_offer(session, team.executive, o.id)
            sent = offers.send_offer(session, team.hr, o.id)
            assert candidates.get_candidate(session, team.recruiter, candidate_id).stage == "offer"
        return sent.id

    def test_accept_moves_candidate_to_accepted(self, engine: Engine, team: Team, candidate_id: int) -> None:
        offer_id = self.approved_and_sent(engine, team, candidate_id)
        with db.session_scope(engine) as session:
            assert offers.accept_offer(session, team.hr, offer_id, today=TODAY).status == "accepted"
            assert candidates.get_candidate(session, team.recruiter, candidate_id).stage == "accepted"

    def test_decline_keeps_the_reason_on_offer_and_candidate(self, engine: Engine, team: Team,
                                                              candidate_id: int) -> None:
        offer_id = self.approved_and_sent(engine, team, candidate_id)
        with db.session_scope(engine) as session:
            o = offers.decline_offer(session, team.hr, offer_id, "counter-offer from current lab")
            c = candidates.get_candidate(session, team.recruiter, candidate_id)
        assert (o.status, o.decline_reason) == ("declined", "counter-offer from current lab")
        assert c.stage == "declined" and "counter-offer" in (c.decline_reason or "")

    def test_expired_offer_cannot_be_accepted(self, engine: Engine, team: Team, candidate_id: int) -> None:
        offer_id = self.approved_and_sent(engine, team, candidate_id)
        late = TODAY + timedelta(days=30)
        with pytest.raises(ConflictError, match="expired on"), db.session_scope(engine) as session:
            offers.accept_offer(session, team.hr, offer_id, today=late)
        with db.session_scope(engine) as session:
            expired = offers.expire_offers(session, team.hr, today=late)
        assert [(o.id, o.status) for o in expired] == [(offer_id, "expired")]

    def test_stale_version_is_a_conflict(self, engine: Engine, team: Team, candidate_id: int) -> None:
        o = draft(engine, team, candidate_id)
        with db.session_scope(engine) as session:
            offers.update_offer(session, team.hr, o.id, terms(base=410_000), expected_version=1, today=TODAY)
        # Who collided with you, and where the offer is now: two people work the same offer.
        with pytest.raises(ConflictError, match=rf"offer {o.id} was changed by Hana HR at \d{{4}}-\d\d-\d\d "
                                                r"\d\d:\d\d UTC: now draft, version 2 \(you had version 1\)"), \
                db.session_scope(engine) as session:
            offers.update_offer(session, team.executive, o.id, terms(base=420_000), expected_version=1, today=TODAY)


class TestStep:
    def test_every_step_through_one_function_with_the_steps_allowed(self, engine: Engine, team: Team,
                                                                    candidate_id: int) -> None:
        o = draft(engine, team, candidate_id)
        assert o.steps == ["submit", "withdraw"]
        with db.session_scope(engine) as session:
            pending = offers.step(session, team.hr, o.id, "submit", expected_version=o.version)
            # HR drafted it: the four-eyes rule leaves HR no approve button, the executive has one.
            assert pending.steps == ["return", "withdraw"]
            assert "approve" in offers.get_offer(session, team.executive, o.id).steps
            sent = offers.step(session, team.hr, offers.step(session, team.executive, o.id, "Approve").id, "send")
            assert sent.steps == ["accept", "decline", "withdraw"]
            assert offers.get_offer(session, team.recruiter, o.id).steps == []
            withdrawn = offers.step(session, team.hr, o.id, "withdraw", reason="role closed")
        assert (withdrawn.status, withdrawn.decline_reason, withdrawn.steps) == ("withdrawn", "role closed", [])

    def test_unknown_step_and_missing_reason_name_their_field(self, engine: Engine, team: Team,
                                                              candidate_id: int) -> None:
        o = draft(engine, team, candidate_id)
        with pytest.raises(InvalidError, match="no offer step 'sign'") as unknown, db.session_scope(engine) as s:
            offers.step(s, team.hr, o.id, "sign")
        with pytest.raises(InvalidError, match="needs a reason") as bare, db.session_scope(engine) as s:
            offers.step(s, team.hr, o.id, "withdraw", reason="  ")
        assert (unknown.value.field, bare.value.field) == ("step", "reason")


class TestList:
    def test_an_unknown_candidate_is_not_found_not_an_empty_list(self, engine: Engine, team: Team,
                                                                 candidate_id: int) -> None:
        # Regression: list_offers caught every NotFoundError and so answered [] for a candidate that does not exist.
        draft(engine, team, candidate_id)
        with db.session_scope(engine) as session:
            assert len(offers.list_offers(session, team.hr, candidate_id=candidate_id)) == 1
            with pytest.raises(NotFoundError, match="no candidate with id 999"):
                offers.list_offers(session, team.hr, candidate_id=999)

    def test_an_erased_candidates_offers_are_not_listed(self, engine: Engine, team: Team,
                                                        candidate_id: int) -> None:
        kept = draft(engine, team, candidate_id)
        with db.session_scope(engine) as session:
            other = candidates.create_candidate(session, team.recruiter, CandidateIn(name="Bo", target_role="r")).id
        draft(engine, team, other)
        with db.session_scope(engine) as session:
            privacy.erase_person(session, team.hr, other, "request")
        with db.session_scope(engine) as session:
            assert [o.id for o in offers.list_offers(session, team.hr)] == [kept.id]
            with pytest.raises(NotFoundError):
                offers.list_offers(session, team.hr, candidate_id=other)


class TestTotalProperties:
    @given(base=st.integers(1, offers.LIMITS["base"]), bonus=st.integers(0, offers.LIMITS["bonus"]),
           signing=st.integers(0, offers.LIMITS["signing"]), equity=st.integers(0, offers.LIMITS["equity_value"]),
           years=st.integers(1, 10))
    def test_total_is_cash_plus_at_most_the_whole_grant(self, base: int, bonus: int, signing: int, equity: int,
                                                         years: int) -> None:
        o = terms(base=base, bonus=bonus, signing=signing, equity_value=equity, vesting_years=years)
        offers.validate(o, TODAY)
        cash = 4 * (base + bonus) + signing
        assert cash <= offers.total_value(o) <= cash + equity
        if years <= 4:
            assert offers.total_value(o) == cash + equity

    @given(field=st.sampled_from(sorted(offers.LIMITS)), value=st.integers(max_value=-1))
    def test_any_negative_figure_is_refused_by_name(self, field: str, value: int) -> None:
        with pytest.raises(InvalidError, match=f"^{field}: must not be negative"):
            offers.validate(terms(**{field: value}), TODAY)
