"""Expert search on the real paper lists: the whole record is read, acronyms are learnt, needs are answered."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from labscout.research.store import ResearchStore
from labscout.talent import index, query, search

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def real(real_store_path: Path) -> Iterator[tuple[ResearchStore, index.TalentIndex]]:
    with ResearchStore(real_store_path) as store:
        yield store, index.open_index(store)


def test_citations_and_tldrs_reach_the_store(real: tuple[ResearchStore, index.TalentIndex]) -> None:
    store, ti = real
    counts = store.one("SELECT count(citations) AS cited, count(tldr) AS tldr, count(abstract) AS abstract "
                       "FROM papers")
    assert counts is not None and counts["cited"] > 45_000 and counts["tldr"] > 1_000 and counts["abstract"] > 50_000
    # A venue-year crawled before citations came in is unknown, not uncited: most of ICML 2025 shows 0.
    known = ti.papers.cite_pct[ti.papers.years == 2017]
    assert (known == known).mean() > 0.5


@pytest.mark.parametrize(("acronym", "long_form"), [("rlhf", "reinforcement learning from human feedback"),
                                                    ("moe", "mixture of experts"), ("vit", "vision transformer"),
                                                    ("dpo", "direct preference optimization")])
def test_acronyms_are_learnt_from_the_text(real: tuple[ResearchStore, index.TalentIndex], acronym: str,
                                           long_form: str) -> None:
    written = [text for _, text, _ in real[1].expansions.acronyms[acronym]]
    assert any(text.startswith(long_form) for text in written)


def test_an_acronym_query_searches_its_long_form(real: tuple[ResearchStore, index.TalentIndex]) -> None:
    plan = query.plan_query(real[1], "MoE")
    assert any(e.text.startswith("mixture of experts") for e in plan.expansions)
    hits = search.find_experts(*real, "MoE", top=10)
    assert len(hits) == 10
    titles = " ".join(e.title.lower() for h in hits for e in h.evidence)
    assert "mixture" in titles or "moe" in titles


@pytest.mark.parametrize("text", ["graph --", "-graph", '"graph neural networks"', "graph AND networks",
                                  "We are hiring a lead for our multimodal team. " * 110])
def test_any_text_is_an_answer(real: tuple[ResearchStore, index.TalentIndex], text: str) -> None:
    hits = search.find_experts(*real, text, top=20)
    assert len(hits) == 20 and all(h.evidence for h in hits)
