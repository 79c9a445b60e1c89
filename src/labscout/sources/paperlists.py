"""Adapter for the papercopilot "paperlists" JSON files (one JSON array of papers per venue and year).

The files disagree with each other: `author` or `authors`; ';' or ', ' between names; author ids that are
OpenReview profiles (`~First_Last1`), e-mail addresses or ACL Anthology paths; affiliations that are per
author in some files and a paper-level list of distinct institutions in others. Every such variant is
handled here so the rest of LabScout sees one shape.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from labscout.errors import BadInputError
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
    for index, row in enumerate(rows):
        try:
            record = _normalise(row, path, index, venue, year, per_author_affs)
        except BadInputError as exc:
            if not skip_bad:
                raise
            if skipped is not None:
                skipped.append(SkippedRecord(file=str(path), record=index, reason=exc.reason))
            continue
        if record is None:
            # Real lists hold a few entries with no title: nothing to cite, so left out but counted.
            if skipped is not None:
                skipped.append(SkippedRecord(file=str(path), record=index, reason="paper has no title"))
            continue
        yield record


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


def _normalise(row: Any, path: Path, index: int, venue: str, year: int,
               per_author_affs: bool) -> PaperRecord | None:
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
    owners = _profile_order(row, authors)
    # OpenReview exports build `aff` from author profiles: a list as long as the author list is per
    # author (only lists with repeated institutions are shortened), whatever the rest of the file does.
    from_profiles = any(a.openreview_id for a in authors)
    unpaired_affs, unpaired_domains = _attach_affiliations(row, authors, owners, per_author_affs or from_profiles)
    _attach_links(row, owners)
    authors = _drop_repeated_authors(authors, issues)
    _drop_shared_ids(authors, issues)
    status = clean_name(_text(row, "status")) or None
    source_id = _text(row, "id") or None
    return PaperRecord(
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
            last.position = last.position or author.position
            last.links = last.links or author.links
            continue
        kept.append(author)
    for order, author in enumerate(kept):
        author.order = order
    return kept


def _profile_order(row: dict[str, Any], authors: list[AuthorMention]) -> list[AuthorMention | None]:
    """Which author each per-author profile slot belongs to.

    Where a file has `or_profile`, the affiliation, position and link slots follow that list, whose order
    can differ from the author list; each slot is matched to its author by profile id, then by the name
    the id spells.
    """
    profiles = _text(row, "or_profile")
    if not profiles.strip(" ;"):
        return list(authors)
    slots = split_list(profiles)
    by_id = {a.openreview_id: a for a in authors if a.openreview_id}
    by_name: dict[str, list[AuthorMention]] = {}
    for author in authors:
        by_name.setdefault(author.name.casefold(), []).append(author)
    taken: set[int] = set()
    order: list[AuthorMention | None] = []
    for slot in slots:
        owner = by_id.get(slot)
        if owner is None and slot.startswith("~"):
            spelled = re.sub(r"\d+$", "", slot[1:]).replace("_", " ").casefold()
            free = [a for a in by_name.get(spelled, []) if a.order not in taken]
            owner = free[0] if len(free) == 1 else None
        if owner is not None and owner.order in taken:
            owner = None
        if owner is not None:
            taken.add(owner.order)
        order.append(owner)
    return order


def _attach_affiliations(row: dict[str, Any], authors: list[AuthorMention], owners: list[AuthorMention | None],
                         per_author: bool) -> tuple[list[str], list[str]]:
    aff = _text(row, "aff")
    domains = _text(row, "aff_domain")
    positions = _text(row, "position")
    if not authors:
        return [], []
    aff_slots = split_list(aff) if aff.strip(" ;") else []
    domain_slots = split_list(domains) if domains.strip(" ;") else []
    position_slots = split_list(positions) if positions.strip(" ;") else []
    if per_author and len(owners) == len(authors):
        for slots, attr in ((aff_slots, "affiliation"), (domain_slots, "domain"), (position_slots, "position")):
            if len(slots) != len(owners):
                continue
            for owner, value in zip(owners, slots, strict=True):
                if owner is not None and value:
                    setattr(owner, attr, value.lower() if attr == "domain" else value)
                    if attr == "affiliation":
                        owner.affiliation_source = "paired"
        paired_aff = len(aff_slots) == len(owners)
        paired_domain = len(domain_slots) == len(owners)
    else:
        paired_aff = paired_domain = False
    unpaired_affs = [] if paired_aff else _distinct(aff_slots)
    unpaired_domains = [] if paired_domain else _distinct(d.lower() for d in domain_slots)
    if len(unpaired_affs) == 1:
        _attach_sole_affiliation(authors, unpaired_affs[0], unpaired_domains)
    return unpaired_affs, unpaired_domains


def _attach_sole_affiliation(authors: list[AuthorMention], affiliation: str, domains: list[str]) -> None:
    # A paper that lists one distinct institution says every author was there. In OpenReview exports the
    # list comes from author profiles, so it speaks only for the authors who have one.
    profiled = [a for a in authors if a.openreview_id]
    has_ids = any(a.openreview_id or a.email or a.acl_id for a in authors)
    for author in profiled if has_ids else authors:
        if author.affiliation is None:
            author.affiliation = affiliation
            author.affiliation_source = "sole"
            if len(domains) == 1 and author.domain is None:
                author.domain = domains[0]


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
