"""What the research store knows about one person or one organisation, with the records behind it.

Everything comes back as frozen records (the store's columns by name), never as rows: the CLI, the API and the
web pages render the same records.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz, process

from labscout.errors import InvalidError, NotFoundError
from labscout.identity.names import normalise_name
from labscout.identity.orgs import OrgResolver, normalise_org_name
from labscout.research.store import ResearchStore


@dataclass(frozen=True, slots=True)
class PersonMatch:
    """One of the people a name fits: enough to tell them apart and pick one by id."""

    person_id: str
    name: str
    n_papers: int
    first_year: int | None
    last_year: int | None
    latest_org: str | None
    latest_org_year: int | None


@dataclass(frozen=True, slots=True)
class OrgMatch:
    """One of the organisations a name fits."""

    org_id: str
    name: str
    kind: str | None
    country: str | None
    n_papers: int


class AmbiguousError(InvalidError):
    """A name fits several people or organisations; the candidates are listed so a human can choose."""

    def __init__(self, message: str, candidates: list[PersonMatch] | list[OrgMatch], *, field: str | None = None,
                 ) -> None:
        super().__init__(message, field=field)
        self.candidates = candidates


@dataclass(frozen=True, slots=True)
class Person:
    person_id: str
    name: str
    name_variants: list[str]
    openreview_ids: list[str]
    # Every namespaced id the person's mentions use ('openreview:~X1', 'acl:/x/', 'email:...', 'dblp:...').
    author_ids: list[str]
    n_papers: int
    n_accepted: int
    first_year: int | None
    last_year: int | None
    latest_org_id: str | None
    latest_org_year: int | None
    latest_position: str | None
    latest_position_year: int | None


@dataclass(frozen=True, slots=True)
class Org:
    org_id: str
    name: str
    kind: str | None
    country: str | None
    parent_id: str | None
    curated: bool


@dataclass(frozen=True, slots=True)
class CareerYear:
    """Where a person was in one year, and the papers that say so."""

    year: int
    org_id: str | None
    org: str | None
    kind: str | None
    country: str | None
    position: str | None
    n_papers: int
    paper_ids: list[str]


@dataclass(frozen=True, slots=True)
class Authorship:
    """One paper of a person, as written there (name, affiliation) and where the record came from."""

    paper_id: str
    year: int
    venue: str
    title: str
    status: str | None
    decision: str | None
    presentation: str | None
    author_order: int
    n_authors: int | None
    raw_name: str
    raw_affiliation: str | None
    org: str | None
    position: str | None
    link_reason: str | None
    source_file: str
    record_index: int


@dataclass(frozen=True, slots=True)
class Coauthor:
    person_id: str
    name: str
    joint_papers: int
    last_year: int


@dataclass(frozen=True, slots=True)
class ProfileLink:
    kind: str
    url: str
    paper_id: str | None


@dataclass(frozen=True, slots=True)
class PersonProfile:
    person: Person
    latest_org: Org | None
    timeline: list[CareerYear]
    papers: list[Authorship]
    coauthors: list[Coauthor]
    links: list[ProfileLink]
    evidence: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class OrgAlias:
    alias: str
    alias_kind: str
    method: str | None
    occurrences: int


@dataclass(frozen=True, slots=True)
class OrgMember:
    """Someone who wrote at an organisation, and where they were seen last."""

    person_id: str
    name: str
    papers_here: int
    first_year: int
    last_year: int
    still_here: bool
    latest_org: str | None
    latest_org_year: int | None


@dataclass(frozen=True, slots=True)
class OrgYear:
    year: int
    papers: int
    people: int


@dataclass(frozen=True, slots=True)
class OrgProfile:
    org: Org
    parent: Org | None
    children: list[Org]
    aliases: list[OrgAlias]
    people: list[OrgMember]
    papers_by_year: list[OrgYear]
    n_people_latest: int


_PERSON_MATCH = """
    SELECT p.person_id, p.name, p.n_papers, p.first_year, p.last_year, o.name AS latest_org,
           p.latest_org_year
    FROM people p LEFT JOIN organisations o ON o.org_id = p.latest_org_id
"""


def resolve_person(store: ResearchStore, ref: str, *, field: str = "person") -> str:
    """The person id meant by `ref` (an id, an OpenReview id or a name); raises if none or several fit.

    `field` names the input the reference came from, so each interface can point at it.
    """
    ref = ref.strip()
    if not ref:
        raise InvalidError("give a person's name or id", field=field)
    if store.one("SELECT 1 FROM people WHERE person_id = ?", [ref]):
        return ref
    if ref.startswith("~"):
        found = store.one("SELECT person_id FROM authorships WHERE openreview_id = ? LIMIT 1", [ref])
        if found:
            return str(found["person_id"])
    key = normalise_name(ref)
    matches = people_called(store, ref)
    if len(matches) == 1:
        return matches[0].person_id
    if matches:
        raise AmbiguousError(f"{len(matches)} people are called '{ref}'; choose one by id", matches, field=field)
    raise NotFoundError(_suggest_people(store, key, ref), field=field)


def people_called(store: ResearchStore, name: str) -> list[PersonMatch]:
    """Everyone whose name (any spelling) normalises like `name`, most papers first."""
    key = normalise_name(name.strip())
    if not key:
        return []
    return store.records(PersonMatch, _PERSON_MATCH + """
        WHERE p.person_id IN (SELECT person_id FROM person_names WHERE name_key = ?)
        ORDER BY p.n_papers DESC, p.person_id""", [key])


def person_match(store: ResearchStore, person_id: str) -> PersonMatch:
    """A short summary of one person (name, papers, latest organisation), or NotFoundError."""
    found = store.first_record(PersonMatch, _PERSON_MATCH + " WHERE p.person_id = ?", [person_id])
    if found is None:
        raise NotFoundError(f"no person with id {person_id}", field="person")
    return found


def person_names(store: ResearchStore, person_ids: Collection[str]) -> dict[str, str]:
    """Person id -> name, for the ids the store holds."""
    return {r["person_id"]: r["name"] for r in store.rows(
        "SELECT person_id, name FROM people WHERE person_id IN (SELECT unnest(?))", [sorted(person_ids)])}


def person_exists(store: ResearchStore, person_id: str) -> bool:
    return store.one("SELECT 1 AS x FROM people WHERE person_id = ?", [person_id]) is not None


def get_org(store: ResearchStore, org_id: str) -> Org:
    found = store.first_record(Org, "SELECT * FROM organisations WHERE org_id = ?", [org_id])
    if found is None:
        raise NotFoundError(f"no organisation with id {org_id}", field="org")
    return found


def _suggest_people(store: ResearchStore, key: str, ref: str) -> str:
    initial = key[:1]
    keys = [r["name_key"] for r in store.rows(
        "SELECT DISTINCT name_key FROM person_names WHERE name_key LIKE ?", [initial + "%"])]
    close = process.extract(key, keys, scorer=fuzz.WRatio, limit=5, score_cutoff=80)
    if not close:
        return f"no person called '{ref}'"
    names = ", ".join(repr(c[0].title()) for c in close)
    return f"no person called '{ref}'; closest names: {names}"


def person_profile(store: ResearchStore, person_id: str) -> PersonProfile:
    """Everything the store holds about one person, each fact with the papers behind it."""
    person = store.first_record(Person, "SELECT * FROM people WHERE person_id = ?", [person_id])
    if person is None:
        raise NotFoundError(f"no person with id {person_id}", field="person")
    latest = store.first_record(Org, "SELECT * FROM organisations WHERE org_id = ?", [person.latest_org_id]) \
        if person.latest_org_id else None
    timeline = store.records(CareerYear,
        """SELECT y.year, y.org_id, o.name AS org, o.kind, o.country, y.position, y.n_papers, y.paper_ids
           FROM person_years y LEFT JOIN organisations o ON o.org_id = y.org_id
           WHERE y.person_id = ? ORDER BY y.year, o.name""", [person_id])
    papers = store.records(Authorship,
        """SELECT p.paper_id, p.year, v.name AS venue, p.title, p.status, p.decision, p.presentation,
                  a.author_order, p.n_authors, a.raw_name, a.raw_affiliation, o.name AS org,
                  a.position, a.link_reason, p.source_file, p.record_index
           FROM authorships a JOIN papers p USING (paper_id) JOIN venues v ON v.venue = p.venue
           LEFT JOIN organisations o ON o.org_id = a.org_id
           WHERE a.person_id = ? ORDER BY p.year DESC, v.name, p.title""", [person_id])
    coauthors = store.records(Coauthor,
        """SELECT c.person_id, pe.name, count(*) AS joint_papers, max(p.year) AS last_year
           FROM authorships a JOIN authorships c ON c.paper_id = a.paper_id AND c.person_id <> a.person_id
           JOIN people pe ON pe.person_id = c.person_id JOIN papers p ON p.paper_id = a.paper_id
           WHERE a.person_id = ? GROUP BY c.person_id, pe.name
           ORDER BY joint_papers DESC, last_year DESC, pe.name LIMIT 15""", [person_id])
    links = store.records(ProfileLink, "SELECT kind, url, paper_id FROM person_links WHERE person_id = ? "
                          "ORDER BY kind, url", [person_id])
    evidence: dict[str, int] = {}
    for paper in papers:
        reason = paper.link_reason or "alone"
        evidence[reason] = evidence.get(reason, 0) + 1
    return PersonProfile(person, latest, timeline, papers, coauthors, links, evidence)


def resolve_org(store: ResearchStore, ref: str, *, field: str = "org") -> str:
    """The organisation id meant by `ref` (an id, a name, an alias or an e-mail domain)."""
    ref = ref.strip()
    if not ref:
        raise InvalidError("give an organisation's name, alias, domain or id", field=field)
    if store.one("SELECT 1 FROM organisations WHERE org_id = ?", [ref]):
        return ref
    by_name = store.rows("SELECT org_id FROM organisations WHERE lower(name) = lower(?)", [ref])
    if len(by_name) == 1:
        return str(by_name[0]["org_id"])
    by_alias = store.rows(
        """SELECT org_id, sum(occurrences) AS n FROM org_aliases WHERE lower(alias) = lower(?)
           GROUP BY org_id ORDER BY n DESC""", [ref])
    if len(by_alias) == 1:
        return str(by_alias[0]["org_id"])
    if by_alias:
        candidates = store.records(OrgMatch, """
            SELECT o.org_id, o.name, o.kind, o.country, count(DISTINCT a.paper_id) AS n_papers
            FROM organisations o LEFT JOIN authorships a USING (org_id)
            WHERE o.org_id IN (SELECT unnest(?)) GROUP BY ALL ORDER BY n_papers DESC, o.org_id""",
            [[r["org_id"] for r in by_alias]])
        raise AmbiguousError(f"'{ref}' names {len(by_alias)} organisations; choose one by id", candidates,
                             field=field)
    # What an affiliation string would resolve to: "Tsinghua" or "Gogle DeepMind" name a curated organisation.
    as_affiliation = _curated_resolver().resolve(ref)
    if as_affiliation is not None and as_affiliation.org.curated and \
            store.one("SELECT 1 FROM organisations WHERE org_id = ?", [as_affiliation.org.org_id]):
        return as_affiliation.org.org_id
    raise NotFoundError(_suggest_orgs(store, ref), field=field)


@lru_cache(maxsize=1)
def _curated_resolver() -> OrgResolver:
    return OrgResolver()


def _org_name_score(query: str, name: str, **_: Any) -> float:
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


def _suggest_orgs(store: ResearchStore, ref: str) -> str:
    rows = store.rows("""SELECT o.name, count(a.paper_id) AS authorships FROM organisations o
                         LEFT JOIN authorships a USING (org_id) GROUP BY o.name""")
    size = {r["name"]: r["authorships"] for r in rows}
    close = process.extract(normalise_org_name(ref), {n: normalise_org_name(n) for n in size},
                            scorer=_org_name_score, limit=50, score_cutoff=75)
    if not close:
        return f"no organisation called '{ref}'"
    # Among equally close names the organisation with most authorships is the likelier meaning.
    best = sorted(close, key=lambda c: (-round(c[1] / 5), -size[c[2]], c[2]))[:5]
    return f"no organisation called '{ref}'; closest: {', '.join(repr(c[2]) for c in best)}"


def org_profile(store: ResearchStore, org_id: str, *, top: int = 25) -> OrgProfile:
    """An organisation with its family, the strings that name it, its people and output by year."""
    org = get_org(store, org_id)
    parent = store.first_record(Org, "SELECT * FROM organisations WHERE org_id = ?", [org.parent_id]) \
        if org.parent_id else None
    children = store.records(Org, "SELECT * FROM organisations WHERE parent_id = ? ORDER BY name", [org_id])
    family = [org_id] + [c.org_id for c in children]
    aliases = store.records(OrgAlias,
        """SELECT alias, alias_kind, method, sum(occurrences) AS occurrences FROM org_aliases
           WHERE org_id = ? GROUP BY ALL ORDER BY occurrences DESC LIMIT 30""", [org_id])
    marks = ",".join("?" * len(family))
    people = store.records(OrgMember,
        f"""SELECT pe.person_id, pe.name, count(DISTINCT a.paper_id) AS papers_here,
                   min(p.year) AS first_year, max(p.year) AS last_year, pe.latest_org_id IN ({marks}) AS still_here,
                   lo.name AS latest_org, pe.latest_org_year
            FROM authorships a JOIN papers p USING (paper_id) JOIN people pe ON pe.person_id = a.person_id
            LEFT JOIN organisations lo ON lo.org_id = pe.latest_org_id
            WHERE a.org_id IN ({marks})
            GROUP BY ALL ORDER BY papers_here DESC, last_year DESC, pe.name LIMIT ?""",
        [*family, *family, top])
    by_year = store.records(OrgYear,
        f"""SELECT p.year, count(DISTINCT a.paper_id) AS papers, count(DISTINCT a.person_id) AS people
            FROM authorships a JOIN papers p USING (paper_id) WHERE a.org_id IN ({marks})
            GROUP BY p.year ORDER BY p.year""", family)
    latest = store.one(f"SELECT count(*) AS n FROM people WHERE latest_org_id IN ({marks})", family)
    return OrgProfile(org, parent, children, aliases, people, by_year, int(latest["n"]) if latest else 0)


def org_coverage(store: ResearchStore) -> dict[str, int]:
    """How many distinct affiliation strings, and how many authorships, resolve to an organisation."""
    strings = store.one(
        """WITH s AS (
               SELECT raw_affiliation AS raw, org_id FROM authorships WHERE raw_affiliation IS NOT NULL
               UNION SELECT raw_affiliation, org_id FROM paper_affiliations)
           SELECT count(DISTINCT s.raw) AS strings,
                  count(DISTINCT s.raw) FILTER (WHERE s.org_id IS NOT NULL) AS resolved,
                  count(DISTINCT s.raw) FILTER (WHERE o.curated) AS curated
           FROM s LEFT JOIN organisations o USING (org_id)""")
    authorships = store.one(
        """SELECT count(*) AS authorships,
                  count(*) FILTER (WHERE raw_affiliation IS NOT NULL OR domain IS NOT NULL) AS with_affiliation,
                  count(*) FILTER (WHERE a.org_id IS NOT NULL) AS resolved,
                  count(*) FILTER (WHERE o.curated) AS curated
           FROM authorships a LEFT JOIN organisations o USING (org_id)""")
    assert strings is not None and authorships is not None
    return {
        "affiliation_strings": strings["strings"], "strings_resolved": strings["resolved"],
        "strings_curated": strings["curated"], "authorships": authorships["authorships"],
        "authorships_with_affiliation": authorships["with_affiliation"],
        "authorships_resolved": authorships["resolved"], "authorships_curated": authorships["curated"],
    }
