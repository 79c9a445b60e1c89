"""B-cubed against hand-computed figures."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from labscout.identity.eval import ambiguous_subset, bcubed, same_name_id_pairs


class TestBCubed:
    def test_hand_computed_example(self) -> None:
        # predicted {0,1} {2,3,4}; gold {0,1,2} {3,4}:
        # precision per mention 1, 1, 1/3, 2/3, 2/3; recall 2/3, 2/3, 1/3, 1, 1.
        scores = bcubed(["A", "A", "B", "B", "B"], ["x", "x", "x", "y", "y"])
        assert scores.precision == pytest.approx(11 / 15)
        assert scores.recall == pytest.approx(11 / 15)
        assert scores.f1 == pytest.approx(11 / 15)
        assert scores.mentions == 5

    def test_subset_averages_only_chosen_mentions_over_whole_clusters(self) -> None:
        scores = bcubed(["A", "A", "B", "B", "B"], ["x", "x", "x", "y", "y"], subset=[2, 3])
        assert scores.precision == pytest.approx((1 / 3 + 2 / 3) / 2)
        assert scores.recall == pytest.approx((1 / 3 + 1) / 2)

    def test_everything_in_one_cluster(self) -> None:
        scores = bcubed([0, 0, 0, 0], ["x", "x", "y", "z"])
        assert scores.recall == 1.0
        assert scores.precision == pytest.approx((2 / 4 + 2 / 4 + 1 / 4 + 1 / 4) / 4)

    def test_lengths_must_match(self) -> None:
        with pytest.raises(ValueError, match="same mentions"):
            bcubed([1, 2], [1])

    @given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5)), min_size=1, max_size=60))
    def test_scores_are_within_bounds_and_perfect_on_identity(self, pairs: list[tuple[int, int]]) -> None:
        predicted = [p for p, _ in pairs]
        gold = [g for _, g in pairs]
        scores = bcubed(predicted, gold)
        assert 0.0 < scores.precision <= 1.0 and 0.0 < scores.recall <= 1.0
        assert bcubed(gold, gold).f1 == pytest.approx(1.0)


class TestAmbiguousSubset:
    def test_only_names_held_by_several_people(self) -> None:
        names = ["Yang Liu", "Yang Liu", "Lucas Beyer", "Yang Liu"]
        gold = ["~Yang_Liu1", "~Yang_Liu2", "~Lucas_Beyer1", "~Yang_Liu1"]
        assert ambiguous_subset(names, gold) == [0, 1, 3]


def test_same_name_id_pairs_are_ids_of_one_normalised_name_never_on_one_paper() -> None:
    gold = ["~Jose_Garcia1", "~Jose_Garcia2", "~Jose_Garcia3", "~Jose_Garcia2", "~Ana_Li1"]
    names = ["José García", "Jose Garcia", "jose garcia", "Jose Garcia", "Ana Li"]
    papers = ["p1", "p2", "p3", "p1", "p4"]
    # 1 and 2 share paper p1, so they are two people; 3 shares a paper with neither.
    assert same_name_id_pairs(gold, names, papers) == {("~Jose_Garcia1", "~Jose_Garcia3"),
                                                       ("~Jose_Garcia2", "~Jose_Garcia3")}
