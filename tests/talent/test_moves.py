"""Moves, flows and retention on the small world: Ada left Google for OpenAI in 2022."""

from __future__ import annotations

import pytest

from labscout.errors import InvalidError, NotFoundError
from labscout.research.store import ResearchStore
from labscout.talent import moves, profiles


class TestMoves:
    def test_a_change_between_consecutive_years_is_a_move_with_its_papers(self, store: ResearchStore) -> None:
        found = moves.list_moves(store)
        ada = [m for m in found if m.name == "Ada Lovel"]
        assert len(ada) == 1
        move = ada[0]
        assert (move.from_org, move.to_org, move.from_year, move.to_year) == ("Google Research", "OpenAI", 2021, 2022)
        assert (move.from_support, move.to_support) == (3, 2)
        # The last papers at Google and the first at OpenAI.
        assert len(move.evidence) == 5
        finn = [m for m in found if m.name == "Finn Cho"]
        assert [(m.from_org, m.to_org) for m in finn] == [("Google Research", "OpenAI")]

    def test_most_recent_first_and_limit_is_explicit(self, store: ResearchStore) -> None:
        found = moves.list_moves(store)
        assert [m.to_year for m in found] == sorted((m.to_year for m in found), reverse=True)
        assert len(moves.list_moves(store, limit=1)) == 1
        assert moves.count_moves(store) == len(found) == 2

    def test_a_move_needs_papers_on_both_sides(self, store: ResearchStore) -> None:
        assert moves.list_moves(store, min_support=3) == []
        with pytest.raises(InvalidError):
            moves.list_moves(store, min_support=0)

    def test_filters_by_from_to_and_year(self, store: ResearchStore) -> None:
        assert {m.name for m in moves.list_moves(store, from_org="google.com", to_org="openai")} == {
            "Ada Lovel", "Finn Cho"}
        assert moves.list_moves(store, to_org="openai", since=2024) == []
        assert moves.list_moves(store, from_org="mit") == []

    def test_unknown_organisation(self, store: ResearchStore) -> None:
        with pytest.raises(NotFoundError):
            moves.list_moves(store, from_org="Nowhere Institute of Nothing")

    def test_limit_must_be_positive(self, store: ResearchStore) -> None:
        with pytest.raises(InvalidError):
            moves.list_moves(store, limit=0)


class TestFlows:
    def test_flows_count_people_per_year(self, store: ResearchStore) -> None:
        flows = moves.list_flows(store, min_people=1)
        google_to_openai = [f for f in flows if f.from_org == "Alphabet" and f.to_org == "OpenAI"]
        assert sum(f.people for f in google_to_openai) == 2
        assert {f.year for f in google_to_openai} <= {2022, 2023}
        by_org = moves.list_flows(store, min_people=1, by_group=False)
        assert any(f.from_org == "Google Research" for f in by_org)


class TestRetention:
    def test_who_left_where_to(self, store: ResearchStore) -> None:
        found = moves.retention(store, "alphabet")
        assert {m.name for m in found.left} == {"Ada Lovel", "Finn Cho"}
        assert found.destinations == {"OpenAI": 2}

    def test_those_whose_co_authors_left_are_at_risk(self, store: ResearchStore) -> None:
        found = moves.retention(store, "alphabet")
        hal = [a for a in found.at_risk if a.name == "Hal Ng"]
        assert hal and hal[0].risk == 1.0 and hal[0].departed_coauthors == ["Finn Cho -> OpenAI"]


class TestProfiles:
    def test_person_extras_hold_topics_moves_and_metrics(self, store: ResearchStore) -> None:
        pid = store.one("SELECT person_id FROM people WHERE name = 'Ada Lovel'")
        assert pid is not None
        extras = profiles.person_extras(store, pid["person_id"])
        assert extras.topics[0][0] == "reinforcement learning"
        assert [(m.from_org, m.to_org) for m in extras.moves] == [("Google Research", "OpenAI")]
        assert extras.metrics.papers == 5 and extras.metrics.orals == 1

    def test_org_extras_hold_inflow_and_outflow(self, store: ResearchStore) -> None:
        extras = profiles.org_extras(store, "openai")
        assert extras.inflow == [("Google Research", 2)]
        assert extras.outflow == []
