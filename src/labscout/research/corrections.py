"""Turn a user's identity correction, stated against the current store, into a correction over mentions.

The store is read to learn which mentions the named people hold now; the correction then names those
mentions, so it means the same thing after any rebuild. Everything a user could get wrong is checked here:
merging a person with themself, unknown people or organisations, splitting off papers that are not theirs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from labscout.errors import InvalidError, NotFoundError
from labscout.identity.constraints import OrgAlias, OrgSettings, PersonCorrection, mention_key
from labscout.identity.orgs import OrgKind, normalise_org_name
from labscout.research import queries
from labscout.research.store import ResearchStore

ORG_KINDS: tuple[OrgKind, ...] = ("industry_lab", "university", "startup", "government_nonprofit", "investor",
                                  "unknown")


def mentions_of(store: ResearchStore, person_id: str) -> list[dict[str, Any]]:
    """Every authorship of a person with its paper's year, in paper order."""
    return store.rows("""
        SELECT a.paper_id, a.author_order, a.raw_name, a.org_id, p.year
        FROM authorships a JOIN papers p USING (paper_id)
        WHERE a.person_id = ? ORDER BY a.paper_id, a.author_order""", [person_id])


def person_keys(store: ResearchStore, person_id: str) -> frozenset[str]:
    return frozenset(mention_key(m["paper_id"], m["author_order"]) for m in mentions_of(store, person_id))


def plan_merge(store: ResearchStore, correction_id: str, first: str, second: str) -> PersonCorrection:
    """One person from two: every mention of both."""
    a, b = queries.resolve_person(store, first, field="first"), queries.resolve_person(store, second, field="second")
    if a == b:
        raise InvalidError(f"{first!r} and {second!r} are the same person ({a}): nothing to merge")
    keys_a, keys_b = person_keys(store, a), person_keys(store, b)
    shared = {k.split("#")[0] for k in keys_a} & {k.split("#")[0] for k in keys_b}
    if shared:
        # Two authors of one paper are two people; a merge would make the paper list one person twice.
        raise InvalidError(f"{a} and {b} are co-authors of {len(shared)} paper(s) (e.g. {min(shared)}): "
                           "two authors of one paper cannot be one person")
    return PersonCorrection(correction_id, "merge", keys_a | keys_b)


def plan_split(store: ResearchStore, correction_id: str, person: str, *, papers: Sequence[str] = (),
               name_variant: str | None = None, org: str | None = None,
               years: tuple[int, int] | None = None) -> PersonCorrection:
    """One person made two: the mentions chosen (by papers, by a spelling, or by organisation and years) go."""
    pid = queries.resolve_person(store, person)
    mentions = mentions_of(store, pid)
    if not (papers or name_variant or org or years):
        raise InvalidError("say what to split off: papers, a name variant, or an organisation and/or years",
                           field="papers")
    chosen = list(mentions)
    if papers:
        held = {m["paper_id"] for m in mentions}
        foreign = [p for p in papers if p not in held]
        if foreign:
            raise InvalidError(f"paper(s) {', '.join(foreign)} are not papers of {pid}")
        chosen = [m for m in chosen if m["paper_id"] in set(papers)]
    if name_variant:
        chosen = [m for m in chosen if m["raw_name"] == name_variant]
        if not chosen:
            spellings = sorted({m["raw_name"] for m in mentions})
            raise InvalidError(f"{pid} is never written {name_variant!r}; their spellings: {', '.join(spellings)}")
    if org:
        org_id = queries.resolve_org(store, org)
        chosen = [m for m in chosen if m["org_id"] == org_id]
    if years:
        chosen = [m for m in chosen if years[0] <= m["year"] <= years[1]]
    if not chosen:
        raise InvalidError(f"none of {pid}'s papers match what was given: nothing to split off")
    if len(chosen) == len(mentions):
        raise InvalidError(f"that is every paper of {pid}: a split must leave something behind")
    apart = frozenset(mention_key(m["paper_id"], m["author_order"]) for m in chosen)
    rest = frozenset(mention_key(m["paper_id"], m["author_order"]) for m in mentions) - apart
    return PersonCorrection(correction_id, "split", apart, rest)


def plan_org_alias(store: ResearchStore, correction_id: str, raw: str, org: str) -> OrgAlias:
    """The raw affiliation string `raw` names organisation `org` from now on."""
    if not normalise_org_name(raw):
        raise InvalidError(f"{raw!r} has no letters or digits to match affiliations by")
    org_id = queries.resolve_org(store, org)
    row = store.one("SELECT name, kind, country FROM organisations WHERE org_id = ?", [org_id])
    if row is None:
        raise NotFoundError(f"no organisation {org_id}")
    return OrgAlias(correction_id, raw, org_id, row["name"], row["kind"], row["country"])


def plan_org_settings(store: ResearchStore, correction_id: str, org: str, *, parent: str | None = None,
                      kind: str | None = None, country: str | None = None) -> OrgSettings:
    """New parent, kind or country for an organisation."""
    if parent is None and kind is None and country is None:
        raise InvalidError("say what to set: a parent, a kind and/or a country", field="parent")
    org_id = queries.resolve_org(store, org)
    parent_id = queries.resolve_org(store, parent, field="parent") if parent else None
    if parent_id == org_id:
        raise InvalidError(f"{org_id} cannot be its own parent")
    if parent_id and _is_ancestor(store, org_id, parent_id):
        raise InvalidError(f"{org_id} is above {parent_id} already: that parent would make a loop")
    if kind is not None and kind not in ORG_KINDS:
        raise InvalidError(f"unknown kind {kind!r}; one of: {', '.join(ORG_KINDS)}")
    if country is not None and not (len(country) == 2 and country.isalpha()):
        raise InvalidError(f"country {country!r} is not a two-letter code such as US, GB or CN")
    return OrgSettings(correction_id, org_id, parent_id, kind, country.upper() if country else None)


def _is_ancestor(store: ResearchStore, ancestor: str, org_id: str) -> bool:
    seen = set()
    current: str | None = org_id
    while current and current not in seen:
        if current == ancestor:
            return True
        seen.add(current)
        row = store.one("SELECT parent_id FROM organisations WHERE org_id = ?", [current])
        current = row["parent_id"] if row else None
    return False
