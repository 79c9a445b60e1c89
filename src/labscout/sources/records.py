"""The normalised records every source adapter yields."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Decision = Literal["accepted", "rejected", "withdrawn", "pending"]


@dataclass(slots=True)
class AuthorMention:
    """One author as printed on one paper, with what the source says about them there."""

    order: int
    name: str
    openreview_id: str | None = None
    email: str | None = None
    acl_id: str | None = None
    affiliation: str | None = None
    domain: str | None = None
    position: str | None = None
    # Where the slot lists several affiliations joined by '+' (Google+University College London), the
    # positions of those after the first, in order; the first's is `position`.
    extra_positions: list[str] = field(default_factory=list)
    # "paired" when the source lists it in this author's slot; "sole" when the paper lists one institution
    # only, so every author it can apply to was there.
    affiliation_source: str | None = None
    # Profile links (homepage, dblp, google_scholar, orcid) kept as provenance only.
    links: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class PaperRecord:
    """One paper of one venue and year, as the source file holds it."""

    source_file: str
    record_index: int
    paper_id: str
    venue: str
    year: int
    title: str
    authors: list[AuthorMention]
    track: str | None = None
    status: str | None = None
    decision: Decision = "accepted"
    presentation: str | None = None
    keywords: list[str] = field(default_factory=list)
    primary_area: str | None = None
    rating_avg: float | None = None
    abstract: str | None = None
    source_id: str | None = None
    # Affiliations the source lists for the paper but that cannot be paired with one author
    # (fewer or more entries than authors): kept at paper level rather than guessed.
    unpaired_affiliations: list[str] = field(default_factory=list)
    unpaired_domains: list[str] = field(default_factory=list)


@dataclass(slots=True)
class SkippedRecord:
    """A record or file left out under --skip-bad, and why."""

    file: str
    record: int | None
    reason: str
