"""Pairwise evidence: incremental group features, candidate pairs and the direction of each feature."""

from __future__ import annotations

import math
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from labscout.identity.cluster import Mention
from labscout.identity.features import ClusterFeatures, NameStats, Weights, candidate_pairs, score_pair, topic_tokens

STATS = NameStats(first=Counter({"yang": 500}), last=Counter({"liu": 800}), total=10_000)


def _m(paper: str, *, org: str | None = None, coauthors: tuple[str, ...] = (), topics: tuple[str, ...] = (),
       domain: str | None = None, year: int = 2020) -> Mention:
    return Mention(name="Yang Liu", paper=paper, year=year, org=org, domain=domain, coauthors=coauthors,
                   topics=topics)


def test_topic_tokens_drop_stop_words_and_keep_keywords() -> None:
    assert topic_tokens("Learning Deep Graph Kernels for Molecules", ["Graph Kernels"]) == (
        "graph", "kernels", "molecules", "kw:graph kernels")


def test_expected_people_uses_the_rarest_full_spelling() -> None:
    stats = NameStats.from_names(["Yang Liu", "Yang Chen", "Bo Liu", "Yuxiang Liu"])
    assert stats.expected_people(["yang liu"]) == pytest.approx(2 * 3 / 4)
    assert stats.expected_people(["yang liu", "yuxiang liu"]) == pytest.approx(1 * 3 / 4)


def test_a_middle_name_makes_a_spelling_rarer() -> None:
    names = ["William Wang", "William Yang Wang", "Yang Chen", "Wei Yang Liu", "Michael W. Mahoney",
             "Michael Mahoney", "Bo Wang", "Ada Wang"]
    stats = NameStats.from_names(names)
    plain = stats.expected_people(["william wang"])
    # Two of eight names carry the middle token "yang": a quarter as many people are expected.
    assert stats.expected_people(["william yang wang"]) == pytest.approx(plain * 2 / 8)
    assert stats.expected_people(["michael w mahoney"]) < stats.expected_people(["michael mahoney"])


def test_a_leading_initial_is_not_the_given_name() -> None:
    # 'J. Zico Kolter' goes by Zico: judged as the full name it is, not as "some J. Kolter".
    stats = NameStats.from_names(["J. Zico Kolter", "Zico Kolter", "Jia Kolter", "Jun Kolter"])
    assert stats.expected_people(["j zico kolter"]) == pytest.approx(2 * 4 / 4)
    assert stats.expected_people(["zico kolter"]) == pytest.approx(2 * 4 / 4)


_WORDS = st.lists(st.sampled_from(["graph", "kernel", "robot", "proof", "vision"]), max_size=4, unique=True)


@given(st.lists(st.tuples(_WORDS, st.sampled_from([None, "mit", "eth"])), min_size=1, max_size=6))
def test_absorbing_one_by_one_equals_counting_all(rows: list[tuple[list[str], str | None]]) -> None:
    ms = [_m(f"p{i}", org=org, topics=tuple(words), coauthors=tuple(words)) for i, (words, org) in enumerate(rows)]
    idf = {"graph": 0.5, "kernel": 1.0, "robot": 2.0, "proof": 1.5, "vision": 0.3}
    merged = ClusterFeatures.of_mention(ms[0], idf)
    for m in ms[1:]:
        merged.absorb(ClusterFeatures.of_mention(m, idf))
    whole = ClusterFeatures.of(list(range(len(ms))), ms, idf)
    assert merged.coauthors == whole.coauthors and merged.orgs == whole.orgs
    assert merged.topics == pytest.approx(whole.topics)
    # The running sum of squares is the norm a recount would give.
    assert merged.norm == pytest.approx(math.sqrt(sum(v * v for v in whole.topics.values())) or 1.0)


def test_each_kind_of_shared_evidence_raises_the_score() -> None:
    idf = {"graph": 1.0, "kernel": 1.0}
    base = ClusterFeatures.of_mention(_m("a"), idf)
    other = ClusterFeatures.of_mention(_m("b"), idf)
    nothing, _ = score_pair(base, other, math.log(40), Weights(), STATS)
    # A margin just above "no evidence", so the topic cosine is always worth computing.
    w = Weights(margin=nothing + 1e-6)
    for kwargs in ({"coauthors": ("bo chen",)}, {"org": "mit"}, {"domain": "mit.edu"},
                   {"topics": ("graph", "kernel")}):
        a = ClusterFeatures.of_mention(_m("a", **kwargs), idf)
        b = ClusterFeatures.of_mention(_m("b", **kwargs), idf)
        assert score_pair(a, b, math.log(40), w, STATS)[0] > nothing, kwargs


def test_rarer_name_needs_less_evidence() -> None:
    a = ClusterFeatures.of_mention(_m("a"), {})
    b = ClusterFeatures.of_mention(_m("b"), {})
    w = Weights()
    assert score_pair(a, b, math.log(0.001), w, STATS)[0] > score_pair(a, b, math.log(40), w, STATS)[0]


def test_orgs_in_the_same_year_with_none_shared_count_against() -> None:
    w = Weights(margin=math.inf)
    a = ClusterFeatures.of_mention(_m("a", org="mit", year=2020), {})
    same_year = ClusterFeatures.of_mention(_m("b", org="eth", year=2020), {})
    later = ClusterFeatures.of_mention(_m("b", org="eth", year=2023), {})
    assert score_pair(a, same_year, 0.0, w, STATS)[0] < score_pair(a, later, 0.0, w, STATS)[0]


def test_candidates_share_evidence_and_a_compatible_given_name() -> None:
    feats = {i: ClusterFeatures.of_mention(_m(f"p{i}", coauthors=("bo chen",)), {}) for i in range(3)}
    feats[3] = ClusterFeatures.of_mention(_m("p3", coauthors=("someone else",)), {})
    given = {0: ("yang",), 1: ("yi",), 2: ("",)}  # 2 is initials only
    pairs = set(candidate_pairs(feats, {i: 1 for i in feats}, 4, {**given, 3: ("yang",)}))
    assert (0, 1) not in pairs          # Yang and Yi Liu: never one person
    assert {(0, 2), (1, 2)} <= pairs    # 'Y. Liu' may be either
    assert all(3 not in p for p in pairs)  # nothing shared with group 3


def test_a_group_with_two_given_names_pairs_with_either() -> None:
    # An id proved 'Matt' and 'Matthew' one person's: that group is a candidate for a 'Matthew' group.
    feats = {i: ClusterFeatures.of_mention(_m(f"p{i}", coauthors=("bo chen",)), {}) for i in range(2)}
    pairs = set(candidate_pairs(feats, {0: 1, 1: 1}, 4, {0: ("matt", "matthew"), 1: ("matthew",)}))
    assert (0, 1) in pairs


def test_long_postings_pair_through_hubs_not_all_pairs() -> None:
    feats = {i: ClusterFeatures.of_mention(_m(f"p{i}", coauthors=("bo chen",)), {}) for i in range(30)}
    sizes = {i: (5 if i == 7 else 1) for i in feats}
    pairs = set(candidate_pairs(feats, sizes, 2))
    assert len(pairs) < 30 * 29 // 2 // 4
    assert all((min(i, 7), max(i, 7)) in pairs for i in feats if i != 7)  # the biggest group is a hub


def test_score_pair_is_the_fitted_sum_over_pair_vector() -> None:
    # score_pair writes out the sum for speed; it must stay equal to bias + coefficients . pair_vector.
    from labscout.identity.features import FEATURES, pair_vector

    w = Weights(margin=-math.inf)  # never worth computing the cosine, so compare with topic = 0
    idf = {"graph": 1.0, "kernel": 2.0}
    a = ClusterFeatures.of_mention(_m("a", org="mit", coauthors=("bo chen", "ann lee"), domain="mit.edu",
                                      topics=("graph",), year=2020), idf)
    b = ClusterFeatures.of_mention(_m("b", org="eth", coauthors=("bo chen",), domain="mit.edu",
                                      topics=("graph", "kernel"), year=2020), idf)
    for log_people in (math.log(0.001), math.log(40)):
        x = pair_vector(a, b, log_people, w.coauthor_cap, STATS, topic=0.0)
        expected = w.coefficients["bias"] + sum(w.coefficients[n] * v for n, v in zip(FEATURES, x, strict=True))
        assert score_pair(a, b, log_people, w, STATS)[0] == pytest.approx(expected)


def test_a_hubs_coauthors_of_common_names_are_not_shared_evidence_for_a_common_name() -> None:
    # A hub of a common name (Lei Zhang of PolyU and of MSRA were one person of 212 papers) shares only its
    # co-authors of rare names.
    from labscout.identity.features import shared_coauthors

    w = Weights()
    many = (*(f"coauthor{k} rarename{k}" for k in range(w.hub_coauthors)), "yang liu", "zephyrine kowalski")
    hub = ClusterFeatures.of_mention(_m("a", coauthors=many), {})
    small = ClusterFeatures.of_mention(_m("b", coauthors=(*many[:3], "yang liu")), {})
    lone = ClusterFeatures.of_mention(_m("c", coauthors=("yang liu",)), {})
    rare = ClusterFeatures.of_mention(_m("d", coauthors=("zephyrine kowalski",)), {})
    assert STATS.people_of("yang liu") >= 1.0 > STATS.people_of("zephyrine kowalski")
    assert shared_coauthors(hub, lone, True, w.coauthor_cap, w.hub_coauthors, STATS) == (0, 0)
    assert shared_coauthors(hub, rare, True, w.coauthor_cap, w.hub_coauthors, STATS)[0] == 1
    # A rare name, a group that is no hub, or the rule turned off: every shared co-author counts.
    assert shared_coauthors(hub, lone, False, w.coauthor_cap, w.hub_coauthors, STATS) == (1, 0)
    assert shared_coauthors(small, lone, True, w.coauthor_cap, w.hub_coauthors, STATS) == (1, 0)
    # Against the hub, the small group's three rare co-authors count and its "Yang Liu" does not.
    assert shared_coauthors(small, hub, True, w.coauthor_cap, w.hub_coauthors, STATS)[0] == 3
    assert shared_coauthors(hub, lone, True, w.coauthor_cap, 0, STATS) == (1, 0)
    assert score_pair(hub, lone, math.log(40), w, STATS)[0] < score_pair(
        hub, lone, math.log(40), Weights(hub_coauthors=0), STATS)[0]


def _group(org: str, years: range, coauthors: tuple[str, ...]) -> ClusterFeatures:
    ms = [_m(f"{org}{y}", org=org, year=y, coauthors=coauthors) for y in years]
    return ClusterFeatures.of(list(range(len(ms))), ms, {})


def test_a_shared_coauthor_does_not_tie_a_group_placed_elsewhere_within_the_others_years() -> None:
    # Lei Li of Peking University (2021-2025) and Lei Li of ByteDance, UCSB and CMU (2018-2025) were one
    # person, tied by co-authors' names. Both groups are established people; in two or more of the same
    # years their own slots name different places, and the one's years lie within the other's: two people.
    w, off = Weights(), Weights(years_apart=0)
    log_people = 0.0  # about one person expected: common enough for the rule
    shared = ("chang zhou", "bo chen")
    outer = _group("bytedance", range(2016, 2026), shared)
    inner = _group("pku", range(2019, 2024), shared)
    assert score_pair(outer, inner, log_people, off, STATS)[0] >= w.margin
    score, why = score_pair(outer, inner, log_people, w, STATS)
    assert score < w.margin and why == "thin"
    # A move: the two places' years overlap only at the ends (papers written before it appear after it).
    assert score_pair(_group("mit", range(2014, 2021), shared), _group("stanford", range(2019, 2026), shared),
                      log_people, w, STATS)[0] >= w.margin
    # One year apart is not enough (the other years print no organisation).
    sparse = ClusterFeatures.of(list(range(6)), [
        _m(f"q{y}", org="pku" if y == 2020 else None, year=y, coauthors=shared) for y in range(2018, 2024)], {})
    assert score_pair(outer, sparse, log_people, w, STATS)[0] >= w.margin
