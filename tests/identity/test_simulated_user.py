"""The simulated careful user: which errors it corrects, and the pairs it counts as broken."""

from __future__ import annotations

from labscout.identity import simulated_user
from labscout.identity.cluster import Mention, resolve_people


class TestLargestErrors:
    def test_splits_the_minority_and_merges_the_pieces_largest_first(self) -> None:
        # Cluster 0 holds person A (3 mentions) and B (1): splitting B fixes 3 pairs.
        # Person C is cut into clusters 1 (2 mentions) and 2 (1): merging fixes 2 pairs.
        labels = [0, 0, 0, 0, 1, 1, 2]
        gold = {0: "A", 1: "A", 2: "A", 3: "B", 4: "C", 5: "C", 6: "C"}
        keys = [f"p{i}#0" for i in range(7)]
        found = simulated_user.largest_errors(labels, gold, keys, limit=5)
        assert [(c.kind, sorted(c.together), sorted(c.apart)) for c in found] == [
            ("split", ["p3#0"], ["p0#0", "p1#0", "p2#0"]),
            ("merge", ["p4#0", "p5#0", "p6#0"], []),
        ]
        assert [c.correction_id for c in found] == ["sim1", "sim2"]
        assert len(simulated_user.largest_errors(labels, gold, keys, limit=1)) == 1


class TestBrokenPairs:
    def test_counts_torn_and_newly_joined_pairs_by_hand(self) -> None:
        rows = [
            ("A", 0, 0), ("A", 0, 1),  # one person torn apart: 1 pair broken
            ("B", 2, 3), ("C", 4, 3),  # two people newly joined: 1 pair broken
            ("D", 5, 6), ("E", 5, 6),  # two people joined before and after: wrong already, not broken
            ("F", 7, 8), ("F", 7, 8),  # unchanged and right
        ]
        assert simulated_user._broken_pairs(rows) == 2

    def test_nothing_changed_nothing_broken(self) -> None:
        rows = [("A", 0, 5), ("A", 0, 5), ("B", 1, 6)]
        assert simulated_user._broken_pairs(rows) == 0


class TestSimulate:
    def test_corrections_fix_what_they_name(self) -> None:
        # Two different Wei Zhangs at one organisation on one topic: resolution joins them.
        mentions = [
            Mention("Wei Zhang", "p1", 2020, org="acme", topics=("graph",), coauthors=("x",)),
            Mention("Wei Zhang", "p2", 2021, org="acme", topics=("graph",), coauthors=("x",)),
            Mention("Wei Zhang", "p3", 2022, org="acme", topics=("graph",), coauthors=("x",)),
        ]
        keys = ["p1#0", "p2#0", "p3#0"]
        gold = {0: "~Wei_Zhang1", 1: "~Wei_Zhang1", 2: "~Wei_Zhang2"}
        before = resolve_people(mentions).labels
        assert len(set(before)) == 1
        run = simulated_user.simulate(mentions, keys, gold, before, limit=10)
        assert run.corrections == 1 and run.fixed == 1 and run.broken_pairs == 0
        assert run.before.precision < 1.0
        assert run.after.precision == 1.0 and run.after.recall == 1.0
