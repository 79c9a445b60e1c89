"""The names people type, over HTTP: the API and the web pages resolve organisations as the CLI does."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from tests.api.conftest import Signed, make_home, sign_in

from labscout.research.build import build_store
from labscout.web.app import create_app

# (year, author, affiliation, domain): one author a paper, in the per-author lists of the PDF-derived files.
PAPERS = [
    (2020, "Mia Mover", "Google Brain", "google.com"), (2021, "Mia Mover", "Google Brain", "google.com"),
    (2022, "Mia Mover", "OpenAI", "openai.com"), (2023, "Mia Mover", "OpenAI", "openai.com"),
    (2020, "Pia Planck", "Max Planck Institute for Intelligent Systems", ""),
    (2021, "Pia Planck", "Max Planck Institute for Intelligent Systems", ""),
    (2022, "Pia Planck", "Max Planck Institute for Intelligent Systems", ""),
    (2021, "Quin Planck", "Max Planck Institute for Informatics", ""),
    (2021, "Ray Meta", "Facebook AI Research", "fb.com"),
    (2021, "Sol Mind", "DeepMind", "deepmind.com"),
    (2021, "Tia Tech", "Massachusetts Institute of Technology", "mit.edu"),
]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("org-names")
    folder = root / "sources" / "aistats"
    folder.mkdir(parents=True)
    by_year: dict[int, list[dict[str, str]]] = {}
    for n, (year, author, aff, domain) in enumerate(PAPERS):
        by_year.setdefault(year, []).append({
            "id": f"o{n}", "title": f"Paper {n}", "status": "Poster", "author": author,
            "authorids": author.split()[0].lower() + "@people.example.org", "aff": aff, "aff_domain": domain})
    for year, rows in by_year.items():
        (folder / f"aistats{year}.json").write_text(json.dumps(rows))
    dest = root / "research.duckdb"
    build_store([root / "sources"], dest)
    return dest


@pytest.fixture(scope="module")
def who(store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Signed]:
    # Read-only requests: one home and one signed-in client for the module.
    home = tmp_path_factory.mktemp("org-names-home")
    with TestClient(create_app(make_home(store, home)), base_url="https://testserver") as client:
        yield sign_in(client, "viewer")


@pytest.mark.parametrize(("typed", "org_id"), [
    ("Google", "google"), ("google.com", "google"), ("Facebook", "meta"), ("Meta AI", "meta-fair"),
    ("FAIR", "meta-fair"), ("DeepMind", "google-deepmind"), ("MIT", "mit"), ("Tokyo Tech", "titech"),
])
def test_org_by_the_name_people_type(who: Signed, typed: str, org_id: str) -> None:
    response = who.client.get(f"/api/v1/orgs/{quote(typed)}")
    assert response.status_code == 200, response.text
    assert response.json()["org"]["org_id"] == org_id


def test_google_is_the_company_under_alphabet_with_its_labs(who: Signed) -> None:
    body = who.client.get("/api/v1/orgs/Google").json()
    assert body["parent"]["org_id"] == "alphabet"
    assert {"google-deepmind", "google-research"} <= {c["org_id"] for c in body["children"]}


def test_moves_from_and_to_take_names_and_whole_families(who: Signed) -> None:
    # Mia was at Google Brain: a move from "Google" (and from Alphabet) to "OpenAI", not from Meta.
    for source in ("Google", "alphabet", "google.com"):
        response = who.client.get("/api/v1/moves", params={"from_org": source, "to_org": "OpenAI"})
        assert response.status_code == 200, response.text
        assert [(m["name"], m["from_org_id"], m["to_org_id"]) for m in response.json()] == [
            ("Mia Mover", "google-brain", "openai")]
    assert who.client.get("/api/v1/moves", params={"from_org": "Facebook"}).json() == []


def test_an_ambiguous_name_offers_the_organisations_that_carry_it_largest_first(who: Signed) -> None:
    response = who.client.get(f"/api/v1/orgs/{quote('Max Planck Institute')}")
    assert response.status_code == 422
    matches = response.json()["matches"]
    assert [m["org_id"] for m in matches][:2] == ["mpi-is", "mpi-inf"]
    assert all("Max Planck" in m["name"] for m in matches)
    assert [m["n_papers"] for m in matches] == sorted((m["n_papers"] for m in matches), reverse=True)


def test_the_web_page_offers_the_same_choices(who: Signed) -> None:
    page = who.client.get(f"/orgs/{quote('Max Planck Institute')}")
    assert page.status_code == 300
    assert page.text.index("Max Planck Institute for Intelligent Systems") < page.text.index(
        "Max Planck Institute for Informatics")
    found = who.client.get("/orgs/Facebook")
    assert found.status_code == 200 and "Meta" in found.text
