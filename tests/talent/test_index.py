"""The search index: impact normalised within venue and year, the caches, a held-out build."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import numpy as np

from labscout.research.store import ResearchStore
from labscout.talent import index, search
from labscout.talent.index import TalentIndex


def _paper(ti: TalentIndex, title: str) -> int:
    return ti.papers.titles.to_pylist().index(title)


class TestImpactFacts:
    def test_citations_are_a_percentile_within_venue_and_year(self, talent_index: TalentIndex) -> None:
        p = talent_index.papers
        images = _paper(talent_index, "Diffusion Models for Images")       # 900 citations, ICLR 2019
        basics = _paper(talent_index, "Reinforcement Learning Basics")      # 40 citations, ICLR 2019
        assert p.cite_pct[images] == 1.0 and p.cite_pct[basics] == 0.0
        assert math.isnan(p.cite_pct[_paper(talent_index, "Graph Transformers")])  # no count given
        assert p.citations[images].as_py() == 900

    def test_a_venue_year_of_zeros_is_unknown_not_uncited(self) -> None:
        values = np.array([0.0, 0.0, 0.0, 5.0, 1.0, 9.0])
        groups = np.array([0, 0, 0, 1, 1, 1])
        pct = index._percentile(values, groups, np.array([True, True, True, True, True, True]))
        assert pct.tolist()[3:] == [0.5, 0.0, 1.0]
        assert pct.tolist()[:3] == [0.5, 0.5, 0.5]  # ties share the middle

    def test_orals_and_venue_weight(self, talent_index: TalentIndex) -> None:
        p = talent_index.papers
        assert p.oral[_paper(talent_index, "Diffusion Models for Images")] == 1.0
        assert p.oral[_paper(talent_index, "Better Diffusion Samplers")] == 0.5
        rejected = _paper(talent_index, "Graphs and Diffusion")
        assert p.venue_weight[rejected] == 0.0 and not p.accepted[rejected]


class TestCaches:
    def test_who_wrote_what_is_cached_under_the_store_file_stamp(self, world: Path, tmp_path: Path) -> None:
        copy = tmp_path / "research.duckdb"
        shutil.copyfile(world, copy)
        with ResearchStore(copy) as store:
            first = index.open_index(store)
        cached = sorted(p.name for p in index.cache_dir(copy).glob("*-*.arrow"))
        assert len(cached) == 2
        copy.touch()  # as a correction would: a new file
        with ResearchStore(copy) as store:
            second = index.open_index(store)
        assert sorted(p.name for p in index.cache_dir(copy).glob("*-*.arrow")) != cached
        assert second.people.person_ids.to_pylist() == first.people.person_ids.to_pylist()

    def test_a_held_out_index_has_never_seen_the_hidden_papers(self, store: ResearchStore, tmp_path: Path) -> None:
        full = index.open_index(store)
        hidden = full.papers.paper_ids[_paper(full, "Score Diffusion at Scale")].as_py()
        ti = index.open_held_out(store, [hidden], tmp_path / "held")
        assert ti.searcher.num_docs == full.searcher.num_docs - 1
        i = _paper(ti, "Score Diffusion at Scale")
        assert ti.papers.authors(i) == []
        assert i not in search.matching_papers(ti, "score diffusion at scale")
        cleo = ti.people.index_of(next(h.person_id for h in search.find_experts(store, full, "diffusion", top=1)))
        assert ti.people.accepted_papers[cleo] == full.people.accepted_papers[cleo] - 1
