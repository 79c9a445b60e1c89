"""What the research store knows about one person or one organisation, with the records behind it.

Everything comes back as frozen records (the store's columns by name), never as rows: the CLI, the API and the
web pages render the same records.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from labscout.errors import InvalidError, NotFoundError
from labscout.identity.names import normalise_name
from labscout.research import organisations
from labscout.research.matches import AmbiguousError, OrgMatch, PersonMatch
from labscout.research.store import ResearchStore

__all__ = ["AmbiguousError", "OrgMatch", "OrgProfile", "PersonMatch", "PersonProfile", "org_profile",
           "person_profile", "resolve_org", "resolve_person"]


@dataclass(frozen=True, slots=True)
class Person:
    person_id: str
    name: str
    name_variants: list[str]
    openreview_ids: list[str]
    # Every namespaced id the person's mentions use (OpenReview, ACL, e-mail, dblp, ORCID, ...).
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
    successor_id: str | None = None  # what it was renamed to or merged into
    affiliate_ids: list[str] = field(default_factory=list)  # institutes whose people hold both appointments
    home_domain: str | None = None  # the e-mail domain most slots naming it carry


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
    n_first: int  # ... of which name it first on the slot, not as a second affiliation
    paper_ids: list[str]
    pairings: list[str]  # how the papers were paired with the person: slot, profile, profile-order, sole, email
    strength: str  # strong | weak: one paper that the person's papers of the years around it contradict
    why: str | None  # for a weak fact, what contradicts it


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
    affiliation_source: str | None
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
    # What the timeline asserts: every fact but the weak ones, which are `set_aside`, each with why. A weak fact
    # (one paper that the person's papers of the years around it contradict, or a place only their profile
    # gives that the printed lists of that year contradict) was wrong about half the time in the audit
    # (bench/careers_audit.py): read beside the timeline, it would make the career a reader repeats wrong;
    # kept apart, it is still there to check, with its papers.
    timeline: list[CareerYear]
    papers: list[Authorship]
    coauthors: list[Coauthor]
    links: list[ProfileLink]
    evidence: dict[str, int] = field(default_factory=dict)
    set_aside: list[CareerYear] = field(default_factory=list)


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
    successor: Org | None = None  # what it was renamed to or merged into
    predecessors: list[Org] = field(default_factory=list)  # what was renamed or merged into it


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
    # Most texts searched are topics, called by nobody: the index on name_key says so in a millisecond. The
    # people are then read by their ids, a list the planner filters on (a sub-query made it join every person).
    ids = [r["person_id"] for r in store.rows("SELECT DISTINCT person_id FROM person_names WHERE name_key = ?",
                                              [key])]
    if not ids:
        return []
    return store.records(PersonMatch, _PERSON_MATCH + f"""
        WHERE p.person_id IN ({", ".join("?" * len(ids))})
        ORDER BY p.n_papers DESC, p.person_id""", ids)


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
    facts = store.records(CareerYear,
        """SELECT y.year, y.org_id, o.name AS org, o.kind, o.country, y.position, y.n_papers, y.n_first,
                  y.paper_ids, y.pairings, y.strength, y.why
           FROM person_years y LEFT JOIN organisations o ON o.org_id = y.org_id
           WHERE y.person_id = ? ORDER BY y.year, y.strength, o.name""", [person_id])
    papers = store.records(Authorship,
        """SELECT p.paper_id, p.year, v.name AS venue, p.title, p.status, p.decision, p.presentation,
                  a.author_order, p.n_authors, a.raw_name, a.raw_affiliation, o.name AS org, a.position,
                  -- What the list printed is shown; a list out of order as a whole paired it with nobody.
                  CASE WHEN m.paper_id IS NOT NULL AND a.affiliation_source IN ('slot', 'profile', 'profile-order')
                       THEN 'list out of order: paired with nobody' ELSE a.affiliation_source
                  END AS affiliation_source,
                  a.link_reason, p.source_file, p.record_index
           FROM authorships a JOIN papers p USING (paper_id) JOIN venues v ON v.venue = p.venue
           LEFT JOIN organisations o ON o.org_id = a.org_id LEFT JOIN misaligned_lists m ON m.paper_id = a.paper_id
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
    return PersonProfile(person, latest, [f for f in facts if f.strength != "weak"], papers, coauthors, links,
                         evidence, [f for f in facts if f.strength == "weak"])


def resolve_org(store: ResearchStore, ref: str, *, field: str = "org") -> str:
    """The organisation id meant by `ref` (an id, a name or alias people use, an e-mail domain)."""
    return organisations.resolve_org(store, ref, field=field)


def org_profile(store: ResearchStore, org_id: str, *, top: int = 25) -> OrgProfile:
    """An organisation with its family, the strings that name it, its people and output by year."""
    org = get_org(store, org_id)
    parent = store.first_record(Org, "SELECT * FROM organisations WHERE org_id = ?", [org.parent_id]) \
        if org.parent_id else None
    children = store.records(Org, "SELECT * FROM organisations WHERE parent_id = ? ORDER BY name", [org_id])
    # Everything under it and what was renamed into it: Google's people include Google DeepMind's.
    family = sorted(organisations.family(store, org_id))
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
    successor = store.first_record(Org, "SELECT * FROM organisations WHERE org_id = ?", [org.successor_id]) \
        if org.successor_id else None
    predecessors = store.records(Org, "SELECT * FROM organisations WHERE successor_id = ? ORDER BY name", [org_id])
    return OrgProfile(org, parent, children, aliases, people, by_year, int(latest["n"]) if latest else 0,
                      successor, predecessors)


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
