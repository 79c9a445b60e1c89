"""Acceptance checks on the real paper lists (../shared/data/paperlists), skipped when they are absent.

The store is built once per test session (conftest `real_store_path`): about a minute and a half on CI.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from labscout.errors import NotFoundError
from labscout.identity.eval import evaluate_identity
from labscout.research import identity_checks, queries
from labscout.research.store import ResearchStore

REAL = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "paperlists"

pytestmark = [
    pytest.mark.realdata,
    pytest.mark.skipif(not REAL.is_dir(), reason=f"no real paper lists at {REAL}"),
]


@pytest.fixture(scope="module")
def store(real_store_path: Path) -> ResearchStore:
    return ResearchStore(real_store_path)


class TestRealStore:
    def test_lucas_beyer_is_one_person_through_google(self, store: ResearchStore) -> None:
        person_id = queries.resolve_person(store, "Lucas Beyer")
        profile = queries.person_profile(store, person_id)
        assert profile.person.n_papers >= 20
        orgs = {row.org for row in profile.timeline if row.org}
        assert {"Google Research", "Google DeepMind"} <= orgs
        years = [row.year for row in profile.timeline]
        assert min(years) == 2019 and max(years) >= 2024

    @pytest.mark.parametrize("name", ["Sergey Levine", "Luke Zettlemoyer", "Yejin Choi", "Trevor Darrell",
                                      "Jason Wei", "Noah A. Smith", "Yoshua Bengio"])
    def test_a_famous_researcher_is_one_person_across_every_kind_of_id(self, store: ResearchStore,
                                                                         name: str) -> None:
        people = store.rows("SELECT person_id, author_ids FROM people WHERE name = ? AND n_papers >= 3", [name])
        assert len(people) == 1, people
        kinds = {x.split(":", 1)[0] for x in people[0]["author_ids"]}
        # Their OpenReview profile and ACL Anthology page (and, for most, an ICLR e-mail) in one person.
        assert {"openreview", "acl"} <= kinds or name == "Yoshua Bengio"

    def test_few_same_name_pairs_share_coauthors(self, store: ResearchStore) -> None:
        # From 956 before ids were typed by namespace: most were one researcher in two pieces.
        assert identity_checks.same_name_overlap(store).pairs <= 150

    def test_yang_liu_is_many_people(self, store: ResearchStore) -> None:
        with pytest.raises(queries.AmbiguousError) as caught:
            queries.resolve_person(store, "Yang Liu")
        assert len(caught.value.candidates) >= 10

    def test_every_paper_record_is_traceable_to_its_source(self, store: ResearchStore) -> None:
        row = store.one("SELECT count(*) AS n FROM papers WHERE source_file IS NULL OR record_index IS NULL")
        assert row == {"n": 0}

    def test_rejected_and_withdrawn_are_kept(self, store: ResearchStore) -> None:
        rows = {r["decision"]: r["n"] for r in store.rows(
            "SELECT decision, count(*) AS n FROM papers GROUP BY ALL")}
        assert rows["rejected"] > 5_000 and rows["withdrawn"] > 2_000

    def test_most_affiliations_resolve_to_curated_organisations(self, store: ResearchStore) -> None:
        coverage = queries.org_coverage(store)
        assert coverage["authorships_curated"] / coverage["authorships_with_affiliation"] > 0.6

    def test_an_organisation_is_found_as_people_type_it(self, store: ResearchStore) -> None:
        # A short name or a near miss of a curated organisation resolves as an affiliation string would.
        assert queries.resolve_org(store, "Tsinghua") == "tsinghua"
        assert queries.resolve_org(store, "Gogle DeepMind") == "google-deepmind"

    def test_an_unknown_organisation_suggests_real_ones(self, store: ResearchStore) -> None:
        with pytest.raises(NotFoundError) as caught:
            queries.resolve_org(store, "Stanfrod")
        suggestions = str(caught.value).split("closest: ", 1)[1]
        assert suggestions.startswith("'Stanford University'")
        # Two-letter names overlap everything and help nobody.
        assert all(len(name.strip("' ")) >= 4 for name in suggestions.split(","))


class TestRealIdentityEvaluation:
    def test_beats_the_exact_name_baseline(self) -> None:
        report = evaluate_identity([REAL])
        assert report.baseline_all.precision == pytest.approx(0.951, abs=0.001)
        assert report.resolved_all.precision > report.baseline_all.precision + 0.02
        assert report.resolved_all.recall > 0.97
        assert report.resolved_ambiguous.f1 > report.baseline_ambiguous.f1 + 0.15
        regime = report.mixed_regime
        assert regime is not None
        assert regime.recall >= 0.99 and regime.ambiguous.f1 >= 0.92
        assert regime.prominent.one_person_share >= 0.97
