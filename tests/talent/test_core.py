"""A need with a specific and a generic part: the specific part decides who is an expert.

A corpus of its own (the small world is too small for word shares to mean anything): one prolific author of
"large-scale" papers on other subjects, one author of two papers on distributed training, and filler.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from labscout.research import arrays
from labscout.research.build import build_store
from labscout.research.store import ResearchStore
from labscout.talent import index, query, search

FILLER = ("graph", "speech", "robot", "protein", "vision", "privacy", "music", "tabular", "kernel", "causal")


def _papers() -> list[dict[str, object]]:
    rows: list[tuple[str, str, str]] = []
    rows += [(f"Large-Scale {s.title()} Benchmark Number {n}", s, "Vol Ume") for n, s in enumerate(FILLER)]
    rows += [("Distributed Training of Networks", "distributed training", "Dee Tee"),
             ("Communication-Efficient Distributed Training", "distributed training", "Dee Tee"),
             # The workshop version of the first: the same work, for the leave-one-out test.
             ("Distributed training of networks.", "workshop", "Dee Tee")]
    rows += [(f"A Study of {s.title()} Method {n}", s, f"Fil Ler{n % 7}") for n in range(200)
             for s in (FILLER[n % len(FILLER)],)]
    return [{"id": f"c{n}", "title": title, "track": "main", "status": "Poster", "keywords": kw, "author": who,
             "authorids": "~" + who.replace(" ", "_") + "1"} for n, (title, kw, who) in enumerate(rows)]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ResearchStore, index.TalentIndex]]:
    root = tmp_path_factory.mktemp("core")
    (root / "sources" / "iclr").mkdir(parents=True)
    (root / "sources" / "iclr" / "iclr2024.json").write_text(json.dumps(_papers()))
    build_store([root / "sources"], root / "research.duckdb")
    with ResearchStore(root / "research.duckdb") as store:
        yield store, index.open_index(store)


NEED = "large-scale distributed training"


def test_the_specific_part_of_a_need_decides(corpus: tuple[ResearchStore, index.TalentIndex]) -> None:
    store, ti = corpus
    assert search.find_experts(store, ti, NEED, top=1)[0].name == "Dee Tee"
    # Without it, ten papers sharing only "large-scale" outweigh the two on distributed training.
    volume = search.find_experts(store, ti, NEED, top=1, weights=search.RankWeights(off_core=1.0))
    assert volume[0].name == "Vol Ume"


def test_the_core_is_the_heavy_words_and_only_when_the_query_has_light_ones(
        corpus: tuple[ResearchStore, index.TalentIndex]) -> None:
    _, ti = corpus
    plan = query.plan_query(ti, NEED)
    weight = {t.token: t.weight for t in plan.terms}
    assert weight["distribut"] == weight["train"] == 1.0 and weight["larg"] < 0.85
    assert plan.core is not None
    assert query.plan_query(ti, "distributed training").core is None


def test_a_rare_phrase_of_common_words_weighs_fully(corpus: tuple[ResearchStore, index.TalentIndex]) -> None:
    _, ti = corpus
    plan = query.plan_query(ti, "large-scale benchmark")
    phrases = dict(zip(plan.phrases, plan.phrase_weights, strict=True))
    # "large scale" is on ten papers of 213 (5%, above the phrase share): weighted down, but not below its words.
    words = {t.token: t.weight for t in plan.terms}
    assert min(words["larg"], words["scale"]) <= phrases[("larg", "scale")] < 1.0


def test_a_hidden_paper_takes_its_other_records_along(corpus: tuple[ResearchStore, index.TalentIndex]) -> None:
    store, ti = corpus
    titles = ti.papers.titles.to_pylist()
    ids = ti.papers.paper_ids.to_pylist()
    first = ids[titles.index("Distributed Training of Networks")]
    assert arrays.same_work(store, [first]) == [ids[titles.index("Distributed training of networks.")]]
    assert arrays.same_work(store, [ids[titles.index("Communication-Efficient Distributed Training")]]) == []
