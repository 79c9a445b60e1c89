"""Acronyms and related keywords learnt from text, and how a query is made of them."""

from __future__ import annotations

import pytest

from labscout.talent import expansions, index


@pytest.mark.parametrize(("before", "acronym", "expected"), [
    ("we study Reinforcement Learning from Human Feedback", "RLHF", "reinforcement learning from human feedback"),
    ("sparse Mixture-of-Experts", "MoE", "mixture of experts"),
    ("the Vision Transformer", "ViT", "vision transformer"),
    ("Large Language Models", "LLMs", "large language models"),
    ("neural radiance fields", "NeRF", "neural radiance fields"),
])
def test_long_forms_are_found_by_their_initials(before: str, acronym: str, expected: str) -> None:
    assert " ".join(expansions.long_form(before, acronym) or []) == expected


def test_a_text_that_does_not_spell_the_acronym_gives_nothing() -> None:
    assert expansions.long_form("a new benchmark for agents", "RLHF") is None
    assert expansions.acronym_key("Transformer") is None
    assert expansions.acronym_key("LLMs") == "llm"


def _learnt() -> expansions.Expansions:
    learner = expansions.Learner(index.analyzer())
    for n in range(4):
        learner.add(f"Paper {n}", "Sparse mixture of experts (MoE) layers route tokens.", None,
                    ["mixture of experts", "routing", "sparsity"])
    for n in range(3):
        learner.add(f"Other {n}", None, None, ["mixture of experts", "routing"])
    return learner.finish()


def test_the_learner_keeps_what_recurs() -> None:
    learnt = _learnt()
    assert learnt.acronyms["moe"][0][1] == "mixture of experts"
    assert learnt.long_forms["mixtur expert"] == "moe"
    assert learnt.related["mixtur expert"][0][1] == "routing"


def test_an_acronym_query_expands_to_its_long_form_and_related_keywords() -> None:
    learnt = expansions.Expansions.from_json(_learnt().to_json())
    found = {e.text: e for e in learnt.expand(["MoE"], ["moe"])}
    assert found["mixture of experts"].terms == ("mixtur", "of", "expert")
    assert "routing" in found


def test_a_long_form_query_gains_its_acronym() -> None:
    found = _learnt().expand(["mixture", "experts"], ["mixtur", "expert"])
    assert [e.terms for e in found if e.terms == ("moe",)]
