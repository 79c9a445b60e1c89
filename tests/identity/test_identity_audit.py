"""The truth audit's arithmetic (bench/identity_audit.py): pair losses, the coordinated sample, the estimate."""

from __future__ import annotations

from pathlib import Path

import pytest
from bench.identity_audit import (
    apart_pair_losses,
    ceiling,
    estimate,
    joined_pair_losses,
    read_labels,
    sample,
    wilson,
)
from hypothesis import given
from hypothesis import strategies as st

from labscout.identity.bcubed import bcubed

people = st.lists(st.sampled_from(["~A1", "~A2", "~B1", "~C1"]), min_size=1, max_size=30)


@given(people, st.data())
def test_joined_pair_losses_add_up_to_the_precision_lost(gold: list[str], data: st.DataObject) -> None:
    predicted = data.draw(st.lists(st.integers(0, 3), min_size=len(gold), max_size=len(gold)))
    lost = sum(joined_pair_losses(predicted, gold).values())
    assert lost == pytest.approx(len(gold) * (1 - bcubed(predicted, gold).precision))


def test_a_pair_kept_apart_costs_the_recall_lost_if_it_were_one_person() -> None:
    predicted = [0, 0, 1, 2, 3]
    gold = ["~A1", "~A1", "~A2", "~B1", "~B2"]
    names = ["Ann Lee", "Ann Lee", "Ann Lee", "Bo Li", "Bo Li"]
    papers = ["p1", "p2", "p3", "p4", "p4"]
    losses = apart_pair_losses(predicted, gold, names, papers)
    # The two Bo Li ids share a paper: two people whatever else, never a candidate.
    assert set(losses) == {("~A1", "~A2")}
    merged = ["~A1", "~A1", "~A1", "~B1", "~B2"]
    drop = len(gold) * (bcubed(predicted, gold).recall - bcubed(predicted, merged).recall)
    assert losses[("~A1", "~A2")] == pytest.approx(drop)


def test_ids_sharing_a_cluster_are_left_to_the_joined_sample() -> None:
    assert apart_pair_losses([0, 0], ["~A1", "~A2"], ["Ann Lee", "Ann Lee"], ["p1", "p2"]) == {}


def test_the_sample_is_fixed_by_the_seed_and_shared_across_resolvers() -> None:
    losses = {(f"~P{i}", f"~Q{i}"): 1.0 + i % 3 for i in range(2000)}
    first = sample(losses, 100, seed=1)
    assert first == sample(losses, 100, seed=1)
    assert 60 < len(first) < 140
    assert first != sample(losses, 100, seed=2)
    # Another resolver with a few more pairs (same total share for the old ones) keeps the old draws.
    more = {**losses, **{(f"~R{i}", f"~S{i}"): 1.0 for i in range(20)}}
    again = sample(more, 100 * sum(more.values()) / sum(losses.values()), seed=1)
    assert {p for p in again if p in losses} == set(first)
    # A pair carrying more than 1/expected of the loss is always sampled.
    assert ("~big", "~x") in sample({("~big", "~x"): 50.0, ("~a", "~b"): 1.0}, 2, seed=3)


def test_wilson_interval_is_sound_at_the_edges() -> None:
    assert wilson(0, 40)[0] == 0.0
    assert 0.0 < wilson(0, 40)[1] < 0.1
    low, high = wilson(40, 40)
    assert 0.9 < low < 1.0 and high == 1.0
    assert wilson(0, 0) == (0.0, 1.0)


def test_estimate_takes_away_only_the_losses_labelled_real() -> None:
    losses = {("~A1", "~A2"): 3.0, ("~B1", "~B2"): 1.0}
    drawn = {pair: 1.0 for pair in losses}
    labels = {("~A1", "~A2"): "same", ("~B1", "~B2"): "different"}
    found = estimate(0.96, 1.0, losses, 100, drawn, labels, real="different")
    # Against the ids 4 mentions of precision are lost; only the 1 labelled different is real.
    assert found.value == pytest.approx(0.99) == found.cautious
    assert found.low <= found.value <= found.high
    assert found.counts == {"same": 1, "different": 1} and found.unlabelled == 0
    # Unsure leaves the central figure to the decided pairs and counts against LabScout when cautious.
    unsure = estimate(0.96, 1.0, losses, 100, drawn, {**labels, ("~A1", "~A2"): "unsure"}, real="different")
    assert unsure.value == pytest.approx(0.96) == unsure.cautious
    partly = {**losses, ("~C1", "~C2"): 4.0}
    mixed = estimate(0.92, 1.0, partly, 100, {p: 1.0 for p in partly},
                     {**labels, ("~C1", "~C2"): "unsure"}, real="different")
    assert mixed.value == pytest.approx(1 - 8 * 0.25 / 100) and mixed.cautious == pytest.approx(1 - 5 / 100)


def test_ceiling_is_the_precision_against_the_ids_of_a_resolver_right_about_the_labelled_people() -> None:
    # One cluster holds ~A1 (2 mentions), ~A2 (1), which are one person, and ~B1 (1), someone else.
    predicted = [0, 0, 0, 0, 1]
    gold = ["~A1", "~A1", "~A2", "~B1", "~C1"]
    losses = joined_pair_losses(predicted, gold)
    drawn = {pair: 1.0 for pair in losses}
    labels = {("~A1", "~A2"): "same", ("~A1", "~B1"): "different", ("~A2", "~B1"): "different"}
    value, low, high = ceiling(losses, {"~A1": 2, "~A2": 1, "~B1": 1, "~C1": 1}, len(gold), drawn, labels)
    right = bcubed([0, 0, 0, 1, 2], gold)  # A1 and A2 together, alone; B1 and C1 each alone
    assert value == pytest.approx(right.precision)
    assert low <= value <= high
    # Nobody labelled same: a resolver right about them loses nothing against the ids.
    assert ceiling(losses, {"~A1": 2, "~A2": 1, "~B1": 1, "~C1": 1}, len(gold), drawn,
                   {**labels, ("~A1", "~A2"): "different"})[0] == 1.0


def test_a_bad_verdict_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "labels.tsv"
    path.write_text("id_a\tid_b\tverdict\tevidence\n~B1\t~A1\tsame\tshared lab\n~C1\t~C2\tmaybe\t-\n",
                    encoding="utf-8")
    with pytest.raises(ValueError, match=r"labels.tsv:3: verdict 'maybe'"):
        read_labels(path)
    path.write_text("id_a\tid_b\tverdict\tevidence\n~B1\t~A1\tsame\tshared lab\n", encoding="utf-8")
    assert read_labels(path) == {("~A1", "~B1"): "same"}
