"""The ROR ids of curated organisations, and institutions as a source matched them (OpenAlex's records)."""

from __future__ import annotations

import json
from importlib import resources

from labscout.identity.orgs import OrgResolver, load_ror_ids
from labscout.sources.records import Institution


def rows() -> list[dict[str, str]]:
    text = resources.files("labscout.identity").joinpath("data/organisation_ror.json").read_text()
    return list(json.loads(text))


class TestRorTable:
    def test_every_row_names_a_curated_organisation_once(self) -> None:
        curated = {o.org_id for o in OrgResolver().organisations() if o.curated}
        assert {r["org_id"] for r in rows()} <= curated
        assert len({r["ror"] for r in rows()}) == len(rows())

    def test_each_ror_name_resolves_to_the_same_family_as_its_id(self) -> None:
        # The table and the aliases must agree: OpenAlex prints these names for these ROR ids.
        resolver = OrgResolver()
        for row in rows():
            found = resolver.resolve(row["name"])
            assert found is not None, row
            by_id = resolver.get(load_ror_ids()[row["ror"]])
            assert (found.org.parent_id or found.org.org_id) == (by_id.parent_id or by_id.org_id), row


class TestResolveInstitution:
    def test_the_ror_id_decides_before_the_name(self) -> None:
        found = OrgResolver().resolve_institution(Institution("Some Name OpenAlex Prints", ror="05wx9n238"))
        assert found is not None and (found.org.org_id, found.method) == ("openai", "ror")

    def test_a_new_organisation_takes_the_sources_country_and_kind(self) -> None:
        resolver = OrgResolver()
        found = resolver.resolve_institution(Institution("Kyiv Polytechnic Research Centre", ror="00000000x",
                                                         country="UA", kind="facility"))
        assert found is not None and not found.org.curated
        assert (found.org.kind, found.org.country) == ("government_nonprofit", "UA")
        assert resolver.get(found.org.org_id).country == "UA"

    def test_a_curated_name_without_a_known_ror_resolves_as_an_alias(self) -> None:
        found = OrgResolver().resolve_institution(Institution("Meta (Israel)", ror="01zbnvs85", country="IL"))
        assert found is not None and found.org.org_id == "meta"
