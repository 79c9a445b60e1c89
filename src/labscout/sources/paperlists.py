"""Adapter for the papercopilot "paperlists" JSON files (one JSON array of papers per venue and year).

The files disagree with each other: `author` or `authors`; ';' or ', ' between names; author ids that are
OpenReview profiles (`~First_Last1`), e-mail addresses or ACL Anthology paths; affiliations that are per
author in some files and a paper-level list of distinct institutions in others. Every such variant is
handled here so the rest of LabScout sees one shape.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from labscout.errors import BadInputError
from labscout.sources import profile_slots
from labscout.sources.ids import make_id, profile_link_ids
from labscout.sources.records import AuthorMention, Decision, PaperRecord, RecordIssue, SkippedRecord

NAME = "paperlists"

VENUE_NAMES = {
    "aaai": "AAAI", "acl": "ACL", "acml": "ACML", "aistats": "AISTATS", "automl": "AutoML", "colm": "COLM",
    "colt": "COLT", "corl": "CoRL", "cvpr": "CVPR", "eccv": "ECCV", "emnlp": "EMNLP", "iccv": "ICCV",
    "iclr": "ICLR", "icml": "ICML", "ijcai": "IJCAI", "kdd": "KDD", "naacl": "NAACL", "nips": "NeurIPS",
    "uai": "UAI", "wacv": "WACV",
}

_FILE_NAME = re.compile(r"^([a-z]+)(\d{4})$")
_EMAIL = re.compile(r"^[^@\s;]+@[^@\s;]+\.[^@\s;]+$")
_SPACES = re.compile(r"\s+")
_LINK_FIELDS = ("homepage", "dblp", "google_scholar", "orcid")
# Fields whose value must be a string when present; anything else is a malformed record.
_TEXT_FIELDS = ("title", "author", "authors", "authorids", "aff", "aff_domain", "position", "status", "track",
                "keywords", "primary_area", "or_profile", "tldr")

# Decision words as the files spell them; anything unlisted that is not a rejection is an accepted paper
# (venue-specific labels such as 'Long', 'Findings', 'Technical', 'Top-5%').
_REJECTED = {"reject", "desk reject", "rejected"}
_WITHDRAWN = {"withdraw", "withdrawn"}
_PENDING = {"active", "submitted", "under review"}
_PRESENTATION = {
    "oral": "oral", "talk": "oral", "top-5%": "oral", "oral workshop": "workshop",
    "spotlight": "spotlight", "top-25%": "spotlight", "highlight": "highlight", "highlighted": "highlight",
    "poster": "poster", "poster workshop": "workshop", "workshop": "workshop",
}


def venue_year(path: Path) -> tuple[str, int]:
    """Venue code and year from a file name such as `iclr2023.json`."""
    match = _FILE_NAME.match(path.stem.lower())
    if not match:
        raise BadInputError(
            "file name must be <venue><year>.json (e.g. iclr2023.json): venue and year come from it",
            file=str(path),
        )
    return match.group(1), int(match.group(2))


def load_array(path: Path) -> list[Any]:
    """Parse a file into its list of records, or raise BadInputError naming what is wrong."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BadInputError(f"cannot read file: {exc.strerror}", file=str(path)) from exc
    if not data.strip():
        raise BadInputError("file is empty", file=str(path))
    try:
        parsed = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise BadInputError(f"not valid JSON (truncated or malformed): {exc}", file=str(path)) from exc
    if not isinstance(parsed, list):
        raise BadInputError(
            f"expected a JSON array of paper records, found a JSON {type(parsed).__name__}; "
            "is this a paperlists file?",
            file=str(path),
        )
    return parsed


def iter_records(path: Path, *, skip_bad: bool = False,
                 skipped: list[SkippedRecord] | None = None) -> Iterator[PaperRecord]:
    """Yield the normalised papers of one file; a bad record raises, or is listed in `skipped`."""
    venue, year = venue_year(path)
    rows = load_array(path)
    per_author_affs = _affiliations_are_per_author(rows)
    records: list[PaperRecord] = []
    # Papers whose slots follow the export's profile order without saying it: paired once the whole file
    # is read, since an author's other papers in the file say which slot is theirs.
    in_profile_order: list[tuple[PaperRecord, profile_slots.ProfileSlots]] = []
    # Papers of the file whose `or_profile` names each slot's owner: what they say of an author is evidence.
    anchors: list[profile_slots.ProfileSlots | None] = []
    for index, row in enumerate(rows):
        try:
            normalised = _normalise(row, path, index, venue, year, per_author_affs)
        except BadInputError as exc:
            if not skip_bad:
                raise
            if skipped is not None:
                skipped.append(SkippedRecord(file=str(path), record=index, reason=exc.reason))
            continue
        if normalised is None:
            # Real lists hold a few entries with no title: nothing to cite, so left out but counted.
            if skipped is not None:
                skipped.append(SkippedRecord(file=str(path), record=index, reason="paper has no title"))
            continue
        record, pending = normalised
        if pending is not None:
            in_profile_order.append((record, pending))
        elif any(a.openreview_id for a in record.authors):
            anchors.append(_known_profile_slots(row, record))
        records.append(record)
    profile_slots.pair_in_file([pending for _, pending in in_profile_order] + [a for a in anchors if a])
    for record, pending in in_profile_order:
        _attach_profile_slots(record, pending)
    for record in records:
        # Only once the file's slots are paired (an author printed twice has two slots, an id on two authors
        # still says which slots are profiles'): one author printed twice in a row is one, then shared ids go.
        record.authors = _drop_repeated_authors(record.authors, record.issues)
        _drop_shared_ids(record.authors, record.issues)
        _drop_emails_out_of_order(record.authors, record.issues)
        _attach_email_domains(record.authors)
    yield from records


def clean_name(raw: str) -> str:
    return _SPACES.sub(" ", raw).strip()


def split_list(value: str) -> list[str]:
    """Split a ';'-separated field, keeping empty slots so positions stay aligned."""
    return [part.strip() for part in value.split(";")]


def split_authors(value: str) -> list[str]:
    """Author names from either separator convention, empty names dropped."""
    parts = value.split(";") if ";" in value else value.split(",")
    return [name for name in (clean_name(part) for part in parts) if name]


def _affiliations_are_per_author(rows: list[Any]) -> bool:
    # Some files (CVPR 2020-24, ICCV 2021-23) list each distinct institution once per paper; their `aff`
    # length then rarely equals the author count. Pairing by position there would invent facts.
    comparable = matched = 0
    for row in rows:
        if not isinstance(row, dict):
            continue
        names = row.get("author") or row.get("authors")
        aff = row.get("aff")
        if not isinstance(names, str) or not isinstance(aff, str) or not aff.strip(" ;") or not names:
            continue
        comparable += 1
        matched += len(split_list(aff)) == len(split_authors(names))
    return comparable == 0 or matched >= 0.8 * comparable


def _text(row: dict[str, Any], key: str) -> str:
    value = row.get(key)
    return value if isinstance(value, str) else ""


def _check_types(row: dict[str, Any], path: Path, index: int) -> None:
    for key in _TEXT_FIELDS:
        value = row.get(key)
        if value is not None and not isinstance(value, str):
            raise BadInputError(f"expected text, found {type(value).__name__}", file=str(path),
                                record=index, field=key)


def _normalise(row: Any, path: Path, index: int, venue: str, year: int, per_author_affs: bool
               ) -> tuple[PaperRecord, profile_slots.ProfileSlots | None] | None:
    if not isinstance(row, dict):
        raise BadInputError(f"expected a paper object, found {type(row).__name__}", file=str(path),
                            record=index)
    _check_types(row, path, index)
    title = clean_name(_text(row, "title"))
    if not title:
        return None
    names = split_authors(_text(row, "authors") or _text(row, "author"))
    authors = [AuthorMention(order=i, name=name) for i, name in enumerate(names)]
    issues: list[RecordIssue] = []
    _attach_ids(authors, _text(row, "authorids"), issues)
    pending: profile_slots.ProfileSlots | None = None
    unpaired_affs: list[str]
    unpaired_domains: list[str]
    if any(a.openreview_id for a in authors):
        # An OpenReview export: the slots come from the authors' profiles (see sources.profile_slots).
        owners = _profile_order(row, authors)
        if owners is None:
            pending = _pending_profile_slots(row, authors)
            unpaired_affs, unpaired_domains = [], []
        else:
            unpaired_affs, unpaired_domains = _attach_slots(row, authors, owners, "profile")
            _attach_links(row, owners)
    elif per_author_affs:
        unpaired_affs, unpaired_domains = _attach_slots(row, authors, list(authors), "slot")
    else:
        unpaired_affs, unpaired_domains = _paper_level(row, authors)
    status = clean_name(_text(row, "status")) or None
    source_id = _text(row, "id") or None
    record = PaperRecord(
        source_file=str(path),
        record_index=index,
        paper_id=_paper_id(venue, year, source_id, title),
        venue=venue,
        year=year,
        title=title,
        authors=authors,
        track=_text(row, "track") or None,
        status=status,
        decision=_decision(status),
        presentation=_PRESENTATION.get((status or "").lower()),
        keywords=[k for k in (part.strip() for part in _text(row, "keywords").split(";")) if k],
        primary_area=_text(row, "primary_area").strip() or None,
        rating_avg=_rating(row.get("rating_avg"), _text(row, "rating")),
        abstract=_text(row, "abstract").strip() or None,
        source_id=source_id,
        tldr=_text(row, "tldr").strip() or None,
        citations=_citations(row.get("gs_citation"), path, index),
        unpaired_affiliations=unpaired_affs,
        unpaired_domains=unpaired_domains,
        issues=issues,
    )
    return record, pending


def _paper_id(venue: str, year: int, source_id: str | None, title: str) -> str:
    # The source id is unique within a file; titles stand in where a file has none.
    key = source_id or title.casefold()
    digest = hashlib.blake2b(f"{venue}{year}\x1f{key}".encode(), digest_size=8).hexdigest()
    return f"{venue}{year}-{digest}"


def _decision(status: str | None) -> Decision:
    word = (status or "").lower()
    if word in _REJECTED:
        return "rejected"
    if word in _WITHDRAWN:
        return "withdrawn"
    if word in _PENDING:
        return "pending"
    return "accepted"


def _rating(value: Any, ratings: str) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        # 0 with no individual ratings means "no reviews published", not a score of zero.
        return float(value) if value or ratings.strip(" ;") else None
    if isinstance(value, list):
        numbers = [float(v) for v in value if isinstance(v, int | float) and not isinstance(v, bool)]
        return sum(numbers) / len(numbers) if numbers else None
    return None


def _citations(value: Any, path: Path, index: int) -> int | None:
    # A count as the crawl saw it; -1 is the crawler's "not found". How much a zero means (not yet crawled,
    # or never cited) is judged later, per venue and year, by whoever ranks with it.
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadInputError(f"expected a citation count (a whole number), found {value!r}", file=str(path),
                            record=index, field="gs_citation")
    return value if value >= 0 else None


def _attach_ids(authors: list[AuthorMention], authorids: str, issues: list[RecordIssue]) -> None:
    if not authorids.strip(" ;"):
        return
    ids = split_list(authorids)
    if len(ids) != len(authors):
        issues.append(RecordIssue("authorids", "author ids do not line up with the authors",
                                  f"{len(ids)} author ids for {len(authors)} authors: ids not used, since "
                                  "which id is whose cannot be told"))
        return
    for author, raw_id in zip(authors, ids, strict=True):
        if not raw_id:
            continue
        if raw_id.startswith("~"):
            author.ids.append(make_id("openreview", raw_id))
        elif _EMAIL.match(raw_id):
            author.ids.append(make_id("email", raw_id.lower()))
        elif raw_id.startswith("/") and raw_id.endswith("/"):
            author.ids.append(make_id("acl", raw_id))
        else:
            issues.append(RecordIssue("authorids", "author id of an unknown form",
                                      f"{raw_id!r} is no OpenReview id, e-mail or ACL Anthology id: not used",
                                      author.order))


def _drop_shared_ids(authors: list[AuthorMention], issues: list[RecordIssue]) -> None:
    """One id on two authors of one paper says nothing about either: it is left unused on both."""
    slots: dict[str, list[AuthorMention]] = {}
    for author in authors:
        for author_id in author.ids:
            slots.setdefault(author_id, []).append(author)
    for author_id, holders in slots.items():
        if len(holders) < 2:
            continue
        names = ", ".join(f"{a.name!r} (author {a.order + 1})" for a in holders)
        for author in holders:
            author.ids.remove(author_id)
            issues.append(RecordIssue("authorids", "one id on two authors of a paper",
                                      f"{author_id} is given for {names}: not used", author.order))


def _letters(text: str) -> str:
    # "Schölkopf" and "bernhard.schoelkopf" meet as ASCII letters; digits and dots say nothing of a name.
    folded = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in folded if "a" <= ch <= "z")


def _names_itself(local: str, parts: list[str]) -> bool:
    # "svlevine" (Sergey Levine), "lingpenk" (Lingpeng Kong, cut short), "rmvenkat" (Rahul M V, by initials).
    initials = "".join(part[:1] for part in parts)
    return (any(len(part) >= 2 and part in local for part in parts)
            or any(len(part) >= 4 and part[:4] in local for part in parts)
            or (len(initials) >= 2 and (initials in local or initials[::-1] in local)))


def _drop_emails_out_of_order(authors: list[AuthorMention], issues: list[RecordIssue]) -> None:
    """An e-mail list out of author order keeps only the addresses that spell their own author's name (ICLR 2014
    gives Gehler "schiele@mpi-inf.mpg.de" and Schiele "pgehler@tuebingen.mpg.de").

    An e-mail whose name part holds another author's surname (four letters or more) and none of its own
    author's names or initials, where that other author has no e-mail naming them, was printed beside the
    wrong author. An address that spells its own author's name is still theirs (Pepik's "bojan@" beside
    Gehler's and Schiele's swapped ones, Ji Lin's "lin-j14@" on a list whose last three are rotated); which of
    the others is whose cannot be told, so none of them joins anyone to a person or says where they were,
    and the record issue keeps each of them.
    """
    names = {a.order: [_letters(part) for part in a.name.split()] for a in authors}
    local = {a.order: _letters(a.email.split("@", 1)[0]) for a in authors if a.email}
    surnames = {order: parts[-1] for order, parts in names.items() if parts and len(parts[-1]) >= 4}
    own = {order: _names_itself(text, names[order]) for order, text in local.items()}
    misplaced = next(((order, other) for order, text in local.items() if not own[order]
                      for other, surname in surnames.items()
                      if other != order and surname in text and surname not in names[order]
                      and not own.get(other, False)), None)
    if misplaced is None:
        return
    by_order = {a.order: a for a in authors}
    order, owner = misplaced
    beside, named = by_order[order], by_order[owner]
    reason = (f"{beside.email!r} beside {beside.name!r} (author {order + 1}) names {named.name!r} "
              f"(author {owner + 1}): the list is out of author order, and an address that does not spell its "
              f"own author's name cannot be told to be theirs")
    for author in authors:
        if author.email and not own[author.order]:
            issues.append(RecordIssue("authorids", "e-mails out of author order",
                                      f"{author.email!r} not used: {reason}", author.order))
            author.ids = [i for i in author.ids if not i.startswith("email:")]


def _drop_repeated_authors(authors: list[AuthorMention], issues: list[RecordIssue]) -> list[AuthorMention]:
    """An author printed twice in a row is one author (NeurIPS 2023 prints "Zeynep Akata, Zeynep Akata").

    Left as two slots, the one paper would make two people of one researcher (one paper never joins with
    itself). Two slots that carry different ids are two people of one name, and stay. The later authors move
    up one place, as the paper's real author list has them.
    """
    kept: list[AuthorMention] = []
    for author in authors:
        last = kept[-1] if kept else None
        if (last is not None and " ".join(last.name.casefold().split()) == " ".join(author.name.casefold().split())
                and (not last.ids or not author.ids or set(last.ids) == set(author.ids))):
            issues.append(RecordIssue("authors", "an author printed twice in a row",
                                      f"{author.name!r} is author {last.order + 1} and {author.order + 1}: "
                                      "kept once", author.order))
            last.ids = last.ids or author.ids
            if last.affiliation is None:
                last.affiliation, last.domain = author.affiliation, author.domain
                last.affiliation_source = author.affiliation_source
                last.extra_positions = last.extra_positions or author.extra_positions
            last.position = last.position or author.position
            last.links = last.links or author.links
            continue
        kept.append(author)
    for order, author in enumerate(kept):
        author.order = order
    return kept


def _profile_order(row: dict[str, Any], authors: list[AuthorMention]) -> list[AuthorMention | None] | None:
    """Which author each profile slot belongs to, where the file says (`or_profile`); None where it does not.

    The slots list the authors whose id on the paper is their profile's preferred id first, then the others
    (ids that are another name of their profile, `~Huadong_Xiong1` for `~Hua-Dong_Xiong1`), each group in
    author order: a slot is matched by its id, and the slots left over go to the authors left over, in order.
    """
    profiles = _text(row, "or_profile")
    if not profiles.strip(" ;"):
        return None
    slots = split_list(profiles)
    by_id = {a.openreview_id: a for a in authors if a.openreview_id}
    order: list[AuthorMention | None] = [by_id.get(slot) if slot else None for slot in slots]
    taken = {a.order for a in order if a is not None}
    if len(taken) != sum(a is not None for a in order):
        return [None] * len(slots)  # one id in two slots: which is whose cannot be told
    # An empty slot is an author without a profile (an e-mail id); a named one left over is a profile
    # known under another id.
    left = [a for a in authors if a.order not in taken and a.openreview_id]
    holes = [i for i, (slot, owner) in enumerate(zip(slots, order, strict=True)) if owner is None and slot]
    if len(left) == len(holes):
        for i, owner in zip(holes, left, strict=True):
            order[i] = owner
    return order


def _pending_profile_slots(row: dict[str, Any], authors: list[AuthorMention]) -> profile_slots.ProfileSlots | None:
    aff_slots, domain_slots, position_slots = (split_list(_text(row, key)) if _text(row, key).strip(" ;") else []
                                               for key in ("aff", "aff_domain", "position"))
    count = max(len(aff_slots), len(domain_slots), len(position_slots))
    if not count:
        return None
    # A field missing or of another length leaves its part of each slot empty rather than misaligned.
    slots = [(_slot(aff_slots, i, count), _slot(domain_slots, i, count).lower(), _slot(position_slots, i, count))
             for i in range(count)]
    return profile_slots.ProfileSlots([a for a in authors if a.openreview_id], slots)


def _known_profile_slots(row: dict[str, Any], record: PaperRecord) -> profile_slots.ProfileSlots | None:
    pending = _pending_profile_slots(row, record.authors)
    order = _profile_order(row, record.authors)
    if pending is None or order is None or len(order) != len(pending.slots):
        return None
    slot_of = {owner.order: i for i, owner in enumerate(order) if owner is not None}
    pending.known = tuple(slot_of.get(owner.order, -1) for owner in pending.owners)
    return pending


def _slot(values: list[str], i: int, count: int) -> str:
    return values[i] if len(values) == count else ""


def _attach_profile_slots(record: PaperRecord, pending: profile_slots.ProfileSlots) -> None:
    used: set[int] = set()
    for owner, org_slot, position_slot in zip(pending.owners, pending.org_slot, pending.position_slot, strict=True):
        if org_slot is not None:
            affiliation, domain, position = pending.slots[org_slot]
            _set_slot(owner, affiliation, domain, position if position_slot is not None else "", "profile-order")
            used.add(org_slot)
    leftover = [s for i, s in enumerate(pending.slots) if i not in used]
    record.unpaired_affiliations = _distinct(s[0] for s in leftover)
    record.unpaired_domains = _distinct(s[1] for s in leftover)


def _set_slot(author: AuthorMention, affiliation: str, domain: str, position: str, source: str) -> None:
    """One author's slot; several affiliations joined by '+' keep their order in every field (2025 files)."""
    if affiliation:
        author.affiliation = affiliation
        author.affiliation_source = source
    if domain:
        author.domain = domain.lower()
        author.affiliation_source = author.affiliation_source or source
    # A position belongs to the affiliation it is listed with: the first names the organisation; the others
    # are kept, in order, for the second and later affiliations of the slot.
    if position:
        first, *others = (part.strip() for part in position.split("+"))
        author.position = first or None
        author.extra_positions = others


def _attach_slots(row: dict[str, Any], authors: list[AuthorMention], owners: list[AuthorMention | None],
                  source: str) -> tuple[list[str], list[str]]:
    """Per-author slots paired with `owners`; a field of another length than the slots is not paired."""
    if not authors:
        return [], []
    aff_slots, domain_slots, position_slots = (split_list(_text(row, key)) if _text(row, key).strip(" ;") else []
                                               for key in ("aff", "aff_domain", "position"))
    paired_aff = len(aff_slots) == len(owners)
    paired_domain = len(domain_slots) == len(owners) and not (source == "slot" and _compacted(domain_slots))
    paired_position = len(position_slots) == len(owners)
    for i, owner in enumerate(owners):
        if owner is None:
            continue
        _set_slot(owner, aff_slots[i] if paired_aff else "", domain_slots[i] if paired_domain else "",
                  # A position without its organisation's slot is nobody's for sure.
                  position_slots[i] if paired_position and (paired_aff or paired_domain) else "", source)
    unpaired_affs = [] if paired_aff else _distinct(aff_slots)
    unpaired_domains = [] if paired_domain else _distinct(d.lower() for d in domain_slots)
    if len(unpaired_affs) == 1 and source == "slot":
        _attach_sole_affiliation(authors, unpaired_affs[0], unpaired_domains)
    return unpaired_affs, unpaired_domains


def _compacted(values: list[str]) -> bool:
    """Whether a list has its values first and its blanks after: e-mails of some authors moved up.

    PDF-derived lists print the e-mails the paper gives in the order they appear, not one per author: of
    the rows with a blank, three in four have all blanks at the end (nearly nine in ten in ICML 2017-2019),
    so slot i of such a list is not surely author i's.
    """
    filled = [bool(v) for v in values]
    return not all(filled) and any(filled) and filled == sorted(filled, reverse=True)


def _paper_level(row: dict[str, Any], authors: list[AuthorMention]) -> tuple[list[str], list[str]]:
    """A paper-level list of distinct institutions (CVPR 2020-24, ICCV 2021-23): paired only if it has one."""
    aff = _text(row, "aff")
    domains = _text(row, "aff_domain")
    unpaired_affs = _distinct(split_list(aff)) if aff.strip(" ;") else []
    unpaired_domains = _distinct(d.lower() for d in split_list(domains)) if domains.strip(" ;") else []
    if len(unpaired_affs) == 1 and authors:
        _attach_sole_affiliation(authors, unpaired_affs[0], unpaired_domains)
    return unpaired_affs, unpaired_domains


def _attach_sole_affiliation(authors: list[AuthorMention], affiliation: str, domains: list[str]) -> None:
    # A paper that lists one distinct institution says every author was there.
    for author in authors:
        if author.affiliation is None:
            author.affiliation = affiliation
            author.affiliation_source = "sole"
            if len(domains) == 1 and author.domain is None:
                author.domain = domains[0]


def _attach_email_domains(authors: list[AuthorMention]) -> None:
    # An author known only by an e-mail address still says where they were: its domain.
    for author in authors:
        email = author.email
        if email and author.affiliation is None and author.domain is None:
            author.domain = email.rsplit("@", 1)[1]
            author.affiliation_source = "email"


def _attach_links(row: dict[str, Any], owners: list[AuthorMention | None]) -> None:
    for key in _LINK_FIELDS:
        value = _text(row, key)
        if not value.strip(" ;"):
            continue
        slots = split_list(value)
        if len(slots) != len(owners):
            continue
        for owner, link in zip(owners, slots, strict=True):
            if owner is not None and link:
                owner.links[key] = link
    for owner in owners:
        if owner is not None and owner.links:
            owner.ids.extend(i for i in profile_link_ids(owner.links) if i not in owner.ids)


def _distinct(values: Any) -> list[str]:
    seen: dict[str, None] = {}
    for value in values:
        if value:
            seen.setdefault(value, None)
    return list(seen)
