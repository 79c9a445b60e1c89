"""Why the store holds these mentions as one person, and how sure it is: for a human to judge a merge."""

from __future__ import annotations

from dataclasses import dataclass, field

from labscout.errors import NotFoundError
from labscout.research.store import ResearchStore

# What each kind of evidence says, and how much it is worth, strongest first.
EVIDENCE: dict[str, tuple[str, str]] = {
    "correction": ("certain", "a person on the team said so (an identity correction)"),
    "id": ("certain", "the same author id in the sources (an OpenReview profile, ACL Anthology page, e-mail, "
                      "dblp, Scholar or ORCID page), under names that can be one person's"),
    "profile-link": ("certain", "two OpenReview profiles (or addresses) that print one dblp, Scholar or ORCID page: "
                                "one person's two profiles"),
    "duplicate-profile": ("strong", "two OpenReview profiles (or addresses at one institution) with many "
                                    "co-authors in common, or of a name so rare that one co-author in common at "
                                    "one organisation says it: one person's two profiles"),
    "name-variant": ("strong", "one name under two spellings (in both orders, 'Li Fei-Fei' and 'Fei-Fei Li'; "
                               "a short form, 'Tom' and 'Thomas'; other spacing) with many co-authors in common"),
    "coauthor": ("strong", "the same name with co-authors in common"),
    "organisation": ("strong", "the same name at the same organisation"),
    "domain": ("strong", "the same name with the same institutional e-mail domain"),
    "paper-organisation": ("moderate", "the same name on papers listing the same organisation"),
    "topic": ("moderate", "the same name writing on the same topics"),
    "rare-name": ("weak", "the same name, rare enough that few people carry it"),
    "alone": ("none", "not joined to anything: the mention the person started from"),
}
_LEVELS = ("certain", "strong", "moderate", "weak")


@dataclass(frozen=True, slots=True)
class EvidencePaper:
    paper_id: str
    year: int
    venue: str
    title: str
    source_file: str
    record_index: int


@dataclass(frozen=True, slots=True)
class _Mention:
    link_reason: str | None
    paper_id: str
    title: str
    year: int
    venue: str
    raw_name: str
    author_ids: list[str] | None
    id_conflict: str | None
    org: str | None
    source_file: str
    record_index: int


@dataclass(frozen=True, slots=True)
class EvidenceGroup:
    """The mentions joined by one kind of evidence, with the papers behind them."""

    reason: str
    strength: str
    meaning: str
    mentions: int
    papers: list[EvidencePaper] = field(default_factory=list)
    spellings: list[str] = field(default_factory=list)
    identifiers: list[str] = field(default_factory=list)
    organisations: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class DataConflict:
    """A record that says something about this person that does not add up: kept, flagged, for a human."""

    paper_id: str
    year: int
    title: str
    raw_name: str
    conflict: str
    source_file: str
    record_index: int


@dataclass(frozen=True, slots=True)
class PersonWhy:
    """How sure the store is that a person is one person (its weakest link), and the evidence by kind."""

    person_id: str
    confidence: str
    groups: list[EvidenceGroup]
    # Ids printed on this person's papers that were left unused (an e-mail in the wrong author's slot, ...).
    conflicts: list[DataConflict] = field(default_factory=list)


def explain_person(store: ResearchStore, person_id: str, *, papers_per_group: int = 5) -> PersonWhy:
    """The evidence that joined each group of a person's mentions, strongest first."""
    rows = store.records(_Mention, """
        SELECT a.link_reason, a.paper_id, p.title, p.year, v.name AS venue, a.raw_name,
               a.author_ids, a.id_conflict, o.name AS org, p.source_file, p.record_index
        FROM authorships a JOIN papers p USING (paper_id) JOIN venues v ON v.venue = p.venue
        LEFT JOIN organisations o ON o.org_id = a.org_id
        WHERE a.person_id = ? ORDER BY p.year DESC, p.title""", [person_id])
    if not rows:
        raise NotFoundError(f"no person with id {person_id}", field="person")
    by_reason: dict[str, list[_Mention]] = {}
    for row in rows:
        by_reason.setdefault(row.link_reason or "alone", []).append(row)
    order = list(EVIDENCE)
    groups = []
    for reason in sorted(by_reason, key=lambda r: order.index(r) if r in order else len(order)):
        members = by_reason[reason]
        strength, meaning = EVIDENCE.get(reason, ("weak", reason))
        groups.append(EvidenceGroup(
            reason=reason, strength=strength, meaning=meaning, mentions=len(members),
            papers=[EvidencePaper(m.paper_id, m.year, m.venue, m.title, m.source_file, m.record_index)
                    for m in members[:papers_per_group]],
            spellings=sorted({m.raw_name for m in members}),
            identifiers=sorted({x for m in members for x in (m.author_ids or [])}),
            organisations=sorted({m.org for m in members if m.org}),
        ))
    levels = [g.strength for g in groups if g.strength in _LEVELS]
    # One mention alone is certain to be itself; otherwise the person is as sure as their weakest link.
    confidence = max(levels, key=_LEVELS.index) if levels else "certain"
    conflicts = [DataConflict(r.paper_id, r.year, r.title, r.raw_name, r.id_conflict, r.source_file, r.record_index)
                 for r in rows if r.id_conflict]
    return PersonWhy(person_id, confidence, groups, conflicts)
