"""Expert search: ranking, score parts, evidence, filters and bad input."""

from __future__ import annotations

import numpy as np
import pytest

from labscout.errors import InvalidError, NotFoundError
from labscout.research.store import ResearchStore
from labscout.talent import index, search
from labscout.talent.index import TalentIndex


class TestFindExperts:
    def test_the_topic_expert_comes_first_with_parts_and_evidence(self, store: ResearchStore,
                                                                  talent_index: TalentIndex) -> None:
        hits = search.find_experts(store, talent_index, "diffusion models", top=5)
        assert hits[0].name == "Cleo Stone"
        assert tuple(hits[0].parts) == search.PARTS
        assert hits[0].score == pytest.approx(sum(hits[0].parts.values()), abs=1e-3)
        assert 3 <= len(hits[0].evidence) <= 5
        assert all("iffusion" in e.title for e in hits[0].evidence)
        assert hits[0].org == "Stanford University" and hits[0].org_year == 2022
        assert [h.rank for h in hits] == list(range(1, len(hits) + 1))

    def test_a_paper_on_every_word_beats_one_on_the_common_word(self, store: ResearchStore,
                                                                talent_index: TalentIndex) -> None:
        hits = search.find_experts(store, talent_index, "reinforcement learning for reasoning", top=3)
        assert hits[0].name == "Ada Lovel"
        assert hits[0].evidence[0].title in ("Reasoning With Reinforcement Learning", "Policy Gradients for Reasoning")

    def test_org_filters_take_sub_organisations_and_exclusions(self, store: ResearchStore,
                                                              talent_index: TalentIndex) -> None:
        at_openai = search.find_experts(store, talent_index, "reinforcement learning",
                                        filters=search.SearchFilters(org="openai"))
        assert {h.name for h in at_openai} == {"Ada Lovel", "Finn Cho"}
        without = search.find_experts(store, talent_index, "reinforcement learning",
                                      filters=search.SearchFilters(exclude_org="openai"))
        assert "Ada Lovel" not in {h.name for h in without}

    @pytest.mark.parametrize("filters", [search.SearchFilters(org_kind="university"),
                                         search.SearchFilters(org_kind="industry"), search.SearchFilters(country="us"),
                                         search.SearchFilters(seniority="junior", org_kind="university"),
                                         search.SearchFilters(exclude_org="stanford", country="US")])
    def test_a_filter_keeps_exactly_those_who_pass_it_in_rank_order(self, store: ResearchStore,
                                                                    talent_index: TalentIndex,
                                                                    filters: search.SearchFilters) -> None:
        ti = talent_index
        query = "diffusion graph reinforcement learning reasoning"
        everyone = search.find_experts(store, ti, query, top=1000)

        def passes(h: search.ExpertHit) -> bool:
            org = ti.orgs.get(h.org_id or "")
            kind = {"university": "university", "industry": "industry_lab"}.get(filters.org_kind or "")
            return ((kind is None or (org is not None and org[1] == kind))
                    and (filters.country is None or (org is not None and org[2] == filters.country.upper()))
                    and (filters.exclude_org is None or h.org != "Stanford University")
                    and (filters.seniority is None
                         or search.seniority(h.position, h.first_year, ti.latest_year) == filters.seniority))

        expected = [h.person_id for h in everyone if passes(h)]
        assert 0 < len(expected) < len(everyone)
        assert [h.person_id for h in search.find_experts(store, ti, query, top=1000, filters=filters)] == expected
        assert [h.person_id for h in search.find_experts(store, ti, query, top=2, filters=filters)] == expected[:2]

    def test_since_counts_only_later_papers(self, store: ResearchStore, talent_index: TalentIndex) -> None:
        hits = search.find_experts(store, talent_index, "graph neural networks",
                                   filters=search.SearchFilters(since=2023))
        assert {h.name for h in hits} == {"Ben Kim", "Gus Hall"}
        assert all(e.year >= 2023 for h in hits for e in h.evidence)

    def test_rejected_work_counts_less_than_accepted(self, store: ResearchStore, talent_index: TalentIndex) -> None:
        scored = search.score_people(talent_index, "graphs diffusion")
        assert scored is not None
        ben = talent_index.people.index_of(next(h.person_id for h in search.find_experts(
            store, talent_index, "graph neural networks", top=1)))
        row = int(np.flatnonzero(scored.people == ben)[0])
        assert scored.parts["venue"][row] > 0

    def test_the_abstract_and_tldr_are_searched(self, store: ResearchStore, talent_index: TalentIndex) -> None:
        # "megapixel" is only in a TL;DR, "message passing" only in an abstract.
        assert search.find_experts(store, talent_index, "megapixel images", top=1)[0].name == "Cleo Stone"
        assert search.find_experts(store, talent_index, "message passing", top=1)[0].name in ("Ben Kim", "Gus Hall")

    def test_an_acronym_finds_the_papers_that_spell_it_out(self, store: ResearchStore,
                                                           talent_index: TalentIndex) -> None:
        # No title or keyword says RLHF; the abstracts define it, and the index learnt it from them.
        hits = search.find_experts(store, talent_index, "RLHF", top=3)
        assert hits[0].name == "Ada Lovel"
        assert {e.title for e in hits[0].evidence} >= {"RL From Human Feedback", "Reward Models"}

    def test_citations_show_in_parts_and_evidence(self, store: ResearchStore, talent_index: TalentIndex) -> None:
        cleo = search.find_experts(store, talent_index, "diffusion", top=1)[0]
        assert cleo.parts["citations"] > 0 and cleo.parts["orals"] > 0
        assert {e.title: e.citations for e in cleo.evidence}["Diffusion Models for Images"] == 900

    @pytest.mark.parametrize("query", ["graph --", "-graph", '"graph neural networks"', "graph AND networks",
                                       "graph OR (networks", "title:graph^3", "graph* ~2 [2020 TO 2021]",
                                       "graph " + "neural networks diffusion " * 300])
    def test_query_syntax_is_just_words(self, store: ResearchStore, talent_index: TalentIndex, query: str) -> None:
        hits = search.find_experts(store, talent_index, query, top=5)
        assert hits and hits[0].name in ("Ben Kim", "Cleo Stone")

    def test_no_match_is_an_empty_answer(self, store: ResearchStore, talent_index: TalentIndex) -> None:
        assert search.find_experts(store, talent_index, "zymurgy fermentation") == []

    @pytest.mark.parametrize("query", ["", "   ", "the of and", "a", "AND", "OR NOT", '""', "--", "experts in the"])
    def test_empty_or_stop_word_queries_are_refused(self, store: ResearchStore, talent_index: TalentIndex,
                                                    query: str) -> None:
        with pytest.raises(InvalidError, match=r"^query: "):
            search.find_experts(store, talent_index, query)

    @pytest.mark.parametrize("filters", [search.SearchFilters(since=1066), search.SearchFilters(seniority="ancient"),
                                         search.SearchFilters(org_kind="bakery"), search.SearchFilters(country="USA")])
    def test_absurd_filters_are_refused(self, store: ResearchStore, talent_index: TalentIndex,
                                        filters: search.SearchFilters) -> None:
        with pytest.raises(InvalidError):
            search.find_experts(store, talent_index, "diffusion", filters=filters)

    def test_unknown_org_names_the_closest(self, store: ResearchStore, talent_index: TalentIndex) -> None:
        with pytest.raises(NotFoundError, match="closest"):
            search.find_experts(store, talent_index, "diffusion", filters=search.SearchFilters(org="Stanfurd Univ"))

    def test_top_out_of_range(self, store: ResearchStore, talent_index: TalentIndex) -> None:
        with pytest.raises(InvalidError):
            search.find_experts(store, talent_index, "diffusion", top=0)


class TestIndex:
    def test_the_index_is_a_cache_made_once_per_build(self, store: ResearchStore) -> None:
        first = index.open_index(store)
        marker = index.cache_dir(store.path) / "BUILD"
        made = marker.stat().st_mtime_ns
        second = index.open_index(store)
        assert marker.stat().st_mtime_ns == made and second.build_id == first.build_id
        assert first.searcher.num_docs == 17

    def test_seniority(self) -> None:
        assert search.seniority("Full Professor", 2020, 2024) == "senior"
        assert search.seniority("PhD student", 2005, 2024) == "junior"
        assert search.seniority(None, 2021, 2024) == "junior"
        assert search.seniority(None, 2010, 2024) == "senior"


class TestMatchPower:
    @staticmethod
    def plan(*weights: float) -> search.query_mod.QueryPlan:
        terms = [search.query_mod.Term(f"w{n}", f"w{n}", w, 10) for n, w in enumerate(weights)]
        return search.query_mod.QueryPlan("", terms, [], [], [], None)

    def test_a_short_topic_counts_volume_and_a_paper_like_description_close_matches(self) -> None:
        w = search.RankWeights()
        assert search.match_power(self.plan(1.0, 0.4), w) == w.match_power_short
        assert search.match_power(self.plan(*[1.0] * 8), w) == w.match_power_long
        # Weight 4.65, halfway between 3.3 and 6.0: halfway between the powers.
        middle = search.match_power(self.plan(1.0, 1.0, 1.0, 1.0, 0.65), w)
        assert middle == pytest.approx((w.match_power_short + w.match_power_long) / 2)

    def test_equal_ends_give_one_power(self) -> None:
        w = search.RankWeights(short_query_weight=4.0, long_query_weight=4.0)
        assert search.match_power(self.plan(1.0), w) == w.match_power_short
        assert search.match_power(self.plan(*[1.0] * 5), w) == w.match_power_long


class TestPlaceCredit:
    @staticmethod
    def credit(ti: TalentIndex, power: float) -> dict[int, float]:
        """Author order -> relevance credit of the only matching paper: the first one with two authors."""
        paper = next(i for i in range(len(ti.papers)) if len(ti.papers.authors(i)) == 2)
        matches = (np.asarray([paper], dtype=np.int64), np.asarray([1.0]), power)
        scored = search.score_people(ti, "", matches=matches)
        assert scored is not None
        return {int(o): float(c) for o, c in zip(scored.link_order, scored.link_credit, strict=True)}

    def test_a_long_query_credits_the_first_author_well_above_the_last(self, talent_index: TalentIndex) -> None:
        w = search.RankWeights()
        assert w.long_last_author < w.last_author and w.long_first_author >= w.first_author
        short = self.credit(talent_index, w.match_power_short)
        assert short == {0: 1.0, 1: pytest.approx(w.last_author / w.first_author)}
        long = self.credit(talent_index, w.match_power_long)
        assert long == {0: 1.0, 1: pytest.approx(w.long_last_author / w.long_first_author)}
        # Halfway between the match powers, halfway between the credits.
        halfway = self.credit(talent_index, (w.match_power_short + w.match_power_long) / 2)
        assert halfway[1] == pytest.approx((w.last_author + w.long_last_author) / (w.first_author
                                                                                   + w.long_first_author))
