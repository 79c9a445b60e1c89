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
    # Where the slot lists several affiliations joined by '+' (Google+University College London), the
    # positions of those after the first, in order; the first's is `position`.
    extra_positions: list[str] = field(default_factory=list)
    # "paired" when the source lists it in this author's slot; "sole" when the paper lists one institution
    # only, so every author it can apply to was there.
    affiliation_source: str | None = None
    # Profile links (homepage, dblp, google_scholar, orcid) as printed, for provenance.
    links: dict[str, str] = field(default_factory=dict)
    # The institutions a source itself matched this slot to (OpenAlex: with ROR, country, type and the raw
    # affiliation strings behind each), first the one `affiliation` names.
    institutions: list[Institution] = field(default_factory=list)

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
    # Citations the source counts: Google Scholar when the list was crawled (`gs_citation`), OpenAlex
    # `cited_by_count`; None when it gives none. A paper in both keeps the list's own count.
    citations: int | None = None
    # Affiliations the source lists for the paper but that cannot be paired with one author
    # (fewer or more entries than authors): kept at paper level rather than guessed.
    unpaired_affiliations: list[str] = field(default_factory=list)
    unpaired_domains: list[str] = field(default_factory=list)
    # What did not add up in this record (ids that do not line up with the authors, an id of an unknown
    # form, one id on two authors): the record is kept and the conflicting part is left unused.
    issues: list[RecordIssue] = field(default_factory=list)
    # The venue's name when the source names one the venue code does not (an OpenAlex source).
    venue_name: str | None = None
    # Every source record this paper was read from (one, or more when two sources hold the same work).
    sources: list[SourceRecord] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Institution:
    """An institution as a source resolved it for one author slot (OpenAlex's dehydrated institution)."""

    name: str
    source_id: str | None = None   # the source's own id ("I1291425158")
    ror: str | None = None         # the ROR id, bare ("00njsd438")
    country: str | None = None     # ISO 3166-1 alpha-2
    kind: str | None = None        # the source's type word ("education", "company", ...)
    # The affiliation strings as printed on the paper that the source matched to this institution.
    raw_affiliations: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SourceRecord:
    """One record a paper was read from, and what that source alone says about the work."""

    adapter: str
    file: str
    record: int
    source_id: str | None = None
    doi: str | None = None
    published: str | None = None   # ISO date
    work_type: str | None = None   # the source's type word ("article", "preprint", ...)
    citations: int | None = None
    updated: str | None = None     # when the source last changed the record (OpenAlex `updated_date`)


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
