"""Whatever a user types into search is an answer or a field error: never a 500."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from tests.api.conftest import Signed


@pytest.mark.parametrize("q", ["graph --", "-graph", '"graph neural networks"', "graph AND networks", "RLHF",
                               "title:graph^2 OR (", "zymurgy"])
def test_query_syntax_is_an_answer(as_role: Callable[[str], Signed], q: str) -> None:
    who = as_role("viewer")
    api = who.client.get("/api/v1/search", params={"q": q})
    assert api.status_code == 200, api.text
    page = who.client.get("/search", params={"q": q})
    assert page.status_code == 200


@pytest.mark.parametrize("q", ["AND", "the of", '""', "--"])
def test_nothing_to_search_for_names_the_field(as_role: Callable[[str], Signed], q: str) -> None:
    who = as_role("viewer")
    api = who.client.get("/api/v1/search", params={"q": q})
    assert api.status_code == 422 and api.json()["detail"].startswith("query: ")
    page = who.client.get("/search", params={"q": q})
    # The page answers the request with the form and the message beside the query (issue 17's pages).
    assert page.status_code == 422 and "Traceback" not in page.text
    assert any(words in page.text for words in ("common words", "give a topic", "type a topic"))


def test_a_long_paste_is_searched_on_the_page(as_role: Callable[[str], Signed]) -> None:
    who = as_role("viewer")
    page = who.client.get("/search", params={"q": "We need someone for diffusion models. " * 130})
    assert page.status_code == 200 and "Cleo Stone" in page.text
