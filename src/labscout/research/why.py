"""Why the store holds these mentions as one person, and how sure it is: for a human to judge a merge."""

from __future__ import annotations

from dataclasses import dataclass, field

from labscout.errors import NotFoundError
from labscout.research.store import ResearchStore

# What each kind of evidence says, and how much it is worth, strongest first.
EVIDENCE: dict[str, tuple[str, str]] = {
    "correction": ("certain", "a person on the team said so (an identity correction)"),
    "id": ("certain", "the same OpenReview or ACL Anthology author id, or e-mail, in the sources"),
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
    identifier: str | None
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
class PersonWhy:
    """How sure the store is that a person is one person (its weakest link), and the evidence by kind."""

    person_id: str
    confidence: str
    groups: list[EvidenceGroup]


def explain_person(store: ResearchStore, person_id: str, *, papers_per_group: int = 5) -> PersonWhy:
    """The evidence that joined each group of a person's mentions, strongest first."""
    rows = store.records(_Mention, """
        SELECT a.link_reason, a.paper_id, p.title, p.year, v.name AS venue, a.raw_name,
               coalesce(a.openreview_id, a.acl_id) AS identifier, o.name AS org, p.source_file, p.record_index
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
            identifiers=sorted({m.identifier for m in members if m.identifier}),
            organisations=sorted({m.org for m in members if m.org}),
        ))
    levels = [g.strength for g in groups if g.strength in _LEVELS]
    # One mention alone is certain to be itself; otherwise the person is as sure as their weakest link.
    confidence = max(levels, key=_LEVELS.index) if levels else "certain"
    return PersonWhy(person_id, confidence, groups)
