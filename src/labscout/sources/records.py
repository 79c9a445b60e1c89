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
    # Every id the source gives for this slot, namespaced ("openreview:~Sergey_Levine1", "email:...", see
    # `identity.ids`), profile links (dblp, Scholar, ORCID) included.
    ids: list[str] = field(default_factory=list)
    affiliation: str | None = None
    domain: str | None = None
    position: str | None = None
    # "paired" when the source lists it in this author's slot; "sole" when the paper lists one institution
    # only, so every author it can apply to was there.
    affiliation_source: str | None = None
    # Profile links (homepage, dblp, google_scholar, orcid) as printed, for provenance.
    links: dict[str, str] = field(default_factory=dict)

    def id_in(self, namespace: str) -> str | None:
        """The value of this slot's id in `namespace`, if the source gives one."""
        prefix = namespace + ":"
        for author_id in self.ids:
            if author_id.startswith(prefix):
                return author_id[len(prefix):]
        return None

    @property
    def openreview_id(self) -> str | None:
        return self.id_in("openreview")

    @property
    def acl_id(self) -> str | None:
        return self.id_in("acl")

    @property
    def email(self) -> str | None:
        return self.id_in("email")


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
    # The author's own one-line summary (OpenReview TL;DR), where the file has one.
    tldr: str | None = None
    # Google Scholar citation count when the file was crawled (`gs_citation`); None when not given.
    citations: int | None = None
    # Affiliations the source lists for the paper but that cannot be paired with one author
    # (fewer or more entries than authors): kept at paper level rather than guessed.
    unpaired_affiliations: list[str] = field(default_factory=list)
    unpaired_domains: list[str] = field(default_factory=list)
    # What did not add up in this record (ids that do not line up with the authors, an id of an unknown
    # form, one id on two authors): the record is kept and the conflicting part is left unused.
    issues: list[RecordIssue] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class RecordIssue:
    """Something a record says that does not add up, kept beside the record rather than guessed away.

    `field` is the source field ("authorids", "aff", ...); `kind` a short stable label to count by ("ids do
    not line up with the authors"); `reason` the particulars; `author` the author slot when one is concerned.
    """

    field: str
    kind: str
    reason: str
    author: int | None = None


@dataclass(slots=True)
class SkippedRecord:
    """A record or file left out under --skip-bad, and why."""

    file: str
    record: int | None
    reason: str
