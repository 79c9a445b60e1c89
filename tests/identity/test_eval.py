"""B-cubed against hand-computed figures."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from labscout.identity.eval import (
    _reissued,
    ambiguous_subset,
    bcubed,
    mixed_regime,
    prominent_people,
    read_files,
    same_name_id_pairs,
)
from labscout.identity.gold import joined_gold, proven_duplicates
from labscout.sources.records import AuthorMention, PaperRecord

DATA = Path(__file__).parent.parent / "data" / "paperlists"


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


class TestProminentPeople:
    def test_a_person_counts_as_one_when_95_percent_sits_in_one_resolved_person(self) -> None:
        # Gold A: 20 mentions, 19 in one resolved person (95%); gold B: 20 mentions split 15 + 5; gold C small.
        predicted = [1] * 19 + [2] + [3] * 15 + [4] * 5 + [5, 5]
        gold = ["A"] * 20 + ["B"] * 20 + ["C", "C"]
        names = ["Ann Lee"] * 20 + ["Bo Chen"] * 20 + ["Cy Dorn"] * 2
        found = prominent_people(predicted, gold, names)
        assert (found.people, found.one_person, found.one_person_share) == (2, 1, 0.5)
        (split,) = found.split
        assert (split.gold_id, split.name, split.mentions, split.largest_share, split.pieces) == (
            "B", "Bo Chen", 20, 0.75, 2)


class TestGold:
    def test_ids_sharing_a_profile_link_are_one_gold_person(self) -> None:
        def record(paper: str, profile: str, dblp: str) -> PaperRecord:
            author = AuthorMention(0, "Fei Huang", ids=[f"openreview:{profile}"], links={"dblp": dblp})
            return PaperRecord("f.json", 0, paper, "iclr", 2021, "t", [author])

        records = [record("p1", "~Fei_Huang1", "h/feihuang"), record("p2", "~Fei_Huang2", "h/feihuang"),
                   record("p3", "~Fei_Huang3", "h/feihuang-5")]
        assert proven_duplicates(records) == [("~Fei_Huang1", "~Fei_Huang2")]
        assert joined_gold(["~Fei_Huang2", "~Fei_Huang1", "~Fei_Huang3"], proven_duplicates(records)) == [
            "~Fei_Huang1", "~Fei_Huang1", "~Fei_Huang3"]


class TestMixedRegime:
    def test_the_fixture_corpus_scores_in_the_mixed_regime(self) -> None:
        read = read_files([DATA])
        found = mixed_regime(read, seed=1)
        carrying = [p for p, recs in read.items() if any(a.openreview_id for r in recs for a in r.authors)]
        assert found.files_kept + found.files_reissued + found.files_removed == len(carrying)
        assert found.scored_mentions == sum(1 for recs in read.values() for r in recs for a in r.authors
                                            if a.openreview_id)
        assert 0.0 < found.precision <= 1.0 and 0.0 < found.recall <= 1.0
        assert set(found.by_part) == {"kept", "reissued", "removed"}

    def test_a_reissued_profile_is_one_consistent_id_of_another_namespace(self) -> None:
        assert _reissued("~Ann_Lee1") == _reissued("~Ann_Lee1") != _reissued("~Ann_Lee2")
        assert _reissued("~Ann_Lee1").startswith("heldout:")
