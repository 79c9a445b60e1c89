"""Organisations by the names people type, and the families they head.

"Google" is the company (under Alphabet, with Google DeepMind and Google Research under it), "Meta AI" is
FAIR, "MIT" is MIT, "google.com" is Google: a curated name, alias or domain settles it before anything the
papers printed. A name that really fits several organisations (two universities of one name, "Max Planck
Institute") offers those that carry it, largest first; never an organisation that only shares a
multi-affiliation string with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from labscout.errors import InvalidError, NotFoundError
from labscout.identity.orgs import OrgResolver, normalise_org_name
from labscout.research.matches import AmbiguousError, OrgMatch
from labscout.research.store import ResearchStore

__all__ = ["AmbiguousError", "OrgMatch", "curated_resolver", "family", "resolve_org"]

_DOMAIN = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+$")


@dataclass(frozen=True, slots=True)
class OrgName:
    org_id: str
    name: str
    kind: str | None
    country: str | None
    curated: bool


@lru_cache(maxsize=1)
def curated_resolver() -> OrgResolver:
    return OrgResolver()


def resolve_org(store: ResearchStore, ref: str, *, field: str = "org") -> str:
    """The organisation id meant by `ref`: an id, a name or alias people use, an e-mail or web domain.

    `field` names the input the reference came from, so each interface can point at it.
    """
    typed = ref.strip()
    if not typed:
        raise InvalidError("give an organisation's name, alias, domain or id", field=field)
    if store.one("SELECT 1 FROM organisations WHERE org_id = ?", [typed]):
        return typed
    resolver = curated_resolver()
    lowered = typed.lower().removeprefix("@")
    curated = resolver.by_domain(lowered) if _DOMAIN.match(lowered) else resolver.by_name(typed)
    if curated is not None and _known(store, curated.org_id):
        return curated.org_id
    key = normalise_org_name(typed)
    names = _names(store)
    exact = [n for n in names if normalise_org_name(n.name) == key]
    carriers = [n for n in names if _carries(normalise_org_name(n.name), key)] if len(key) >= 3 else []
    # A string the papers print as a name of its own ("Max Planck Institute", "University of California")
    # is as likely one of the curated organisations that carry it: those are offered with it.
    curated_carriers = [n for n in carriers if n.curated and n not in exact]
    if len(exact) == 1 and (exact[0].curated or not curated_carriers):
        return exact[0].org_id
    if exact:
        raise _ambiguous(store, typed, exact + curated_carriers, field)
    # The team's own aliases, then the papers' domains, as the store recorded them.
    learned = store.rows("""SELECT DISTINCT org_id FROM org_aliases
                            WHERE lower(alias) = lower(?) AND (method = 'correction' OR alias_kind = 'domain')""",
                         [typed])
    if len(learned) == 1:
        return str(learned[0]["org_id"])
    # A whole affiliation as papers print it ("FAIR, Meta" as one string): the organisations it was read as.
    # Only the whole string counts, never a part of a longer one, so a name never offers the organisations
    # it was printed beside ("Meta AI; University of Michigan" is not the University of Michigan's name).
    printed = {str(r["org_id"]) for r in store.rows(
        "SELECT DISTINCT org_id FROM org_aliases WHERE lower(alias) = lower(?) AND alias_kind = 'name'", [typed])}
    if len(printed) == 1:
        return printed.pop()
    if printed:
        raise _ambiguous(store, typed, [n for n in names if n.org_id in printed], field)
    # As an affiliation string would resolve: "Tsinghua", "Gogle DeepMind", "Univeristy of Toronto".
    as_affiliation = resolver.resolve(typed)
    if as_affiliation is not None and as_affiliation.org.curated and _known(store, as_affiliation.org.org_id):
        return as_affiliation.org.org_id
    if len(carriers) == 1:
        return carriers[0].org_id
    if carriers:
        raise _ambiguous(store, typed, carriers, field)
    raise NotFoundError(_suggest(store, typed, names), field=field)


def family(store: ResearchStore, org_id: str) -> set[str]:
    """An organisation, everything under it, and what was renamed or merged into any of them."""
    rows = store.rows("""WITH RECURSIVE tree(org_id) AS (
                             SELECT ?::VARCHAR
                             UNION
                             SELECT o.org_id FROM organisations o JOIN tree t
                                 ON o.parent_id = t.org_id OR o.successor_id = t.org_id)
                         SELECT org_id FROM tree""", [org_id])
    return {str(r["org_id"]) for r in rows}


def _known(store: ResearchStore, org_id: str) -> bool:
    return store.one("SELECT 1 FROM organisations WHERE org_id = ?", [org_id]) is not None


def _names(store: ResearchStore) -> list[OrgName]:
    return [OrgName(str(r["org_id"]), str(r["name"]), r["kind"], r["country"], bool(r["curated"]))
            for r in store.rows("SELECT org_id, name, kind, country, curated FROM organisations")]


def _carries(name_key: str, key: str) -> bool:
    # The typed words appear in the name as whole words: "max planck institute" in "max planck institute
    # for informatics"; "mit" is not carried by "smith college".
    return f" {key} " in f" {name_key} "


def _sizes(store: ResearchStore, org_ids: list[str]) -> dict[str, int]:
    rows = store.rows("""SELECT org_id, count(DISTINCT paper_id) AS n FROM authorships
                         WHERE org_id IN (SELECT unnest(?)) GROUP BY org_id""", [org_ids])
    return {str(r["org_id"]): int(r["n"]) for r in rows}


def _ambiguous(store: ResearchStore, typed: str, found: list[OrgName], field: str) -> AmbiguousError:
    sizes = _sizes(store, [n.org_id for n in found])
    ranked = sorted(found, key=lambda n: (-sizes.get(n.org_id, 0), not n.curated, n.name, n.org_id))
    candidates = [OrgMatch(n.org_id, n.name, n.kind, n.country, sizes.get(n.org_id, 0)) for n in ranked[:20]]
    return AmbiguousError(f"'{typed}' names {len(found)} organisations; choose one by id", candidates,
                          field=field)


def _score(query: str, name: str, **_: object) -> float:
    """How well a typed name fits an organisation's name; "T" or "A9" fit nothing, however they overlap."""
    if len(name) < 4:
        return 0.0
    whole = fuzz.ratio(query, name)
    words = fuzz.token_set_ratio(query, name) if len(query) >= 4 else 0.0
    # A fragment of a much longer name ("berkley" in "uc berkley ...") counts a little less.
    part = fuzz.partial_ratio(query, name) * (0.9 if len(query) >= len(name) / 2 else 0.7)
    # One mistyped word against one word of the name: "stanfrod" and "stanford university".
    word = max((fuzz.ratio(query, w) for w in name.split()), default=0.0) * 0.95 if " " not in query else 0.0
    return max(whole, words, part, word)


def _suggest(store: ResearchStore, typed: str, names: list[OrgName]) -> str:
    by_name = {n.name: n for n in names}
    close = process.extract(normalise_org_name(typed), {n: normalise_org_name(n) for n in by_name},
                            scorer=_score, limit=50, score_cutoff=75)
    if not close:
        return f"no organisation called '{typed}'"
    sizes = _sizes(store, [by_name[c[2]].org_id for c in close])
    # Among equally close names the organisation with most authorships is the likelier meaning.
    best = sorted(close, key=lambda c: (-round(c[1] / 5), -sizes.get(by_name[c[2]].org_id, 0), c[2]))[:5]
    return f"no organisation called '{typed}'; closest: {', '.join(repr(c[2]) for c in best)}"
