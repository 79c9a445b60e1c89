"""Ranking metrics by hand, and the leakage-free evaluation on the small world."""

from __future__ import annotations

import math

import pytest

from labscout.talent import eval as ranking_eval
from labscout.talent.index import TalentIndex


class TestMetrics:
    def test_ndcg_by_hand(self) -> None:
        gains = {1: 3.0, 2: 1.0}
        assert ranking_eval.ndcg([1, 2], gains, k=2) == pytest.approx(1.0)
        # Swapped: (1/1 + 3/log2(3)) / (3/1 + 1/log2(3))
        expected = (1.0 + 3.0 / math.log2(3)) / (3.0 + 1.0 / math.log2(3))
        assert ranking_eval.ndcg([2, 1], gains, k=2) == pytest.approx(expected)
        assert ranking_eval.ndcg([9], gains, k=2) == 0.0

    def test_recall_by_hand(self) -> None:
        gains = {1: 3.0, 2: 2.0, 3: 1.0}
        assert ranking_eval.recall([1, 3], gains, k=2) == 0.5
        assert ranking_eval.recall([], {}, k=2) == 0.0


class TestEvaluateRanking:
    def test_truth_comes_only_from_after_the_cutoff(self, talent_index: TalentIndex) -> None:
        gains = ranking_eval.truth(talent_index, "reinforcement learning", (2022, 2023))
        names = {talent_index.people.name(p) for p in gains}
        assert names == {"Ada Lovel", "Finn Cho"}
        ranked = ranking_eval.labscout_ranking(talent_index, "reinforcement learning", until=2021)
        assert "Finn Cho" not in {talent_index.people.name(p) for p in ranked}  # no paper of his up to 2021

    def test_report_has_every_method_per_topic(self, talent_index: TalentIndex) -> None:
        report = ranking_eval.evaluate_ranking(talent_index, cutoff=2021, k=5,
                                               topics=["reinforcement learning", "diffusion"])
        assert [t.topic for t in report.topics] == ["reinforcement learning", "diffusion"]
        assert [m.method for m in report.mean] == ["LabScout", "paper count", "CSRankings-style"]
        assert report.window == (2022, 2023)
        labscout = report.topics[0].scores[0]
        assert labscout.ndcg > 0.5
