"""Turn normalised paper records into the mentions person resolution works on."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from labscout.identity.cluster import Mention
from labscout.identity.features import topic_tokens
from labscout.identity.names import normalise_name
from labscout.sources.records import AuthorMention, PaperRecord

OrgLookup = Callable[[str | None, str | None], str | None]
IdsOf = Callable[[PaperRecord, AuthorMention], tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class MentionRef:
    """Where a mention came from: the paper record and the author slot on it."""

    record: PaperRecord
    author: AuthorMention


def source_ids(record: PaperRecord, author: AuthorMention) -> tuple[str, ...]:
    """The ids the source gives for an author slot, as they are (what a build uses)."""
    return tuple(author.ids)


def no_ids(record: PaperRecord, author: AuthorMention) -> tuple[str, ...]:
    """No ids at all: resolution from names and evidence alone (what the evaluation measures)."""
    return ()


def build_mentions(records: Sequence[PaperRecord], org_of: OrgLookup, *, ids_of: IdsOf = source_ids,
                   usable_domain: Callable[[str], bool] = bool) -> tuple[list[Mention], list[MentionRef]]:
    """One Mention per author slot, in record order, and the reference back to its source.

    `ids_of` says which ids resolution may see for a slot (all the source gives, by default).
    """
    mentions: list[Mention] = []
    refs: list[MentionRef] = []
    for record in records:
        keys = [normalise_name(a.name) for a in record.authors]
        topics = topic_tokens(record.title, record.keywords)
        paper_orgs = tuple(dict.fromkeys(
            org for org in (org_of(aff, None) for aff in record.unpaired_affiliations) if org))
        for position, author in enumerate(record.authors):
            domain = author.domain if author.domain and usable_domain(author.domain) else None
            mentions.append(Mention(
                name=author.name,
                paper=record.paper_id,
                year=record.year,
                ids=ids_of(record, author),
                org=org_of(author.affiliation, author.domain),
                domain=domain,
                coauthors=tuple(k for j, k in enumerate(keys) if j != position),
                topics=topics,
                paper_orgs=paper_orgs,
            ))
            refs.append(MentionRef(record, author))
    return mentions, refs
