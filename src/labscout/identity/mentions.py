"""Turn normalised paper records into the mentions person resolution works on."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from labscout.identity.cluster import Mention
from labscout.identity.features import topic_tokens
from labscout.identity.names import normalise_name
from labscout.sources.records import AuthorMention, PaperRecord

OrgLookup = Callable[[str | None, str | None], str | None]


@dataclass(frozen=True, slots=True)
class MentionRef:
    """Where a mention came from: the paper record and the author slot on it."""

    record: PaperRecord
    author: AuthorMention


def identifier_of(author: AuthorMention) -> str | None:
    """The strongest id the source gives for an author slot, prefixed with its kind."""
    if author.openreview_id:
        return "or:" + author.openreview_id
    if author.acl_id:
        return "acl:" + author.acl_id
    if author.email:
        return "email:" + author.email
    return None


def build_mentions(records: Sequence[PaperRecord], org_of: OrgLookup, *, use_ids: bool = True,
                   usable_domain: Callable[[str], bool] = bool) -> tuple[list[Mention], list[MentionRef]]:
    """One Mention per author slot, in record order, and the reference back to its source."""
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
                identifier=identifier_of(author) if use_ids else None,
                org=org_of(author.affiliation, author.domain),
                domain=domain,
                coauthors=tuple(k for j, k in enumerate(keys) if j != position),
                topics=topics,
                paper_orgs=paper_orgs,
            ))
            refs.append(MentionRef(record, author))
    return mentions, refs
