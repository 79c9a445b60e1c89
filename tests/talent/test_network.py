"""Warm introductions over the co-author graph."""

from __future__ import annotations

import pytest

from labscout.errors import InvalidError, NotFoundError
from labscout.research.store import ResearchStore
from labscout.talent import network


def pid(store: ResearchStore, name: str) -> str:
    row = store.one("SELECT person_id FROM people WHERE name = ?", [name])
    assert row is not None
    return str(row["person_id"])


class TestIntroPaths:
    def test_paths_run_through_co_authors_with_the_joint_papers(self, store: ResearchStore) -> None:
        # Ben (MIT) wrote with Dan (MIT), who wrote with Ada.
        paths = network.find_intro_paths(store, pid(store, "Ada Lovel"), from_people=[pid(store, "Ben Kim")])
        assert paths[0].names == ["Ben Kim", "Dan Ray", "Ada Lovel"]
        assert [p.title for p in paths[0].edges[0].papers] == ["Graph Networks"]
        assert [p.title for p in paths[0].edges[1].papers] == ["Policy Gradients for Reasoning"]
        assert paths[0].strength == min(e.strength for e in paths[0].edges)

    def test_our_people_by_organisation(self, store: ResearchStore) -> None:
        paths = network.find_intro_paths(store, pid(store, "Ada Lovel"), via_org="mit")
        assert paths and paths[0].names[0] in ("Dan Ray", "Ben Kim")
        assert paths[0].names == ["Dan Ray", "Ada Lovel"]

    def test_no_path_gives_nothing(self, store: ResearchStore) -> None:
        assert network.find_intro_paths(store, pid(store, "Cleo Stone"), via_org="mit") == []

    def test_who_our_people_are_must_be_said(self, store: ResearchStore) -> None:
        with pytest.raises(InvalidError):
            network.find_intro_paths(store, pid(store, "Ada Lovel"))

    def test_unknown_target(self, store: ResearchStore) -> None:
        with pytest.raises(NotFoundError):
            network.find_intro_paths(store, "Nobody Atall", via_org="mit")

    def test_neighbourhood(self, store: ResearchStore) -> None:
        graph = network.neighbourhood(store, pid(store, "Dan Ray"), depth=1)
        assert {store.one("SELECT name FROM people WHERE person_id = ?", [n])["name"]  # type: ignore[index]
                for n in graph.nodes} == {"Dan Ray", "Ben Kim", "Ada Lovel"}
