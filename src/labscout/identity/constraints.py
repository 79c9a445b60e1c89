"""Identity corrections made by people, turned into hard constraints on person resolution.

A correction names author mentions, not person ids: person ids are derived and may change between builds,
while a mention (paper id, author slot) stays as long as its paper is in the sources. Corrections apply in
the order they were made, and a later one overrides an earlier one it contradicts: merging two people after
splitting them undoes the split, and splitting after a merge undoes that part of the merge.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

PersonCorrectionKind = Literal["merge", "split"]


def mention_key(paper_id: str, author_order: int) -> str:
    """The stable name of one author slot on one paper."""
    return f"{paper_id}#{author_order}"


@dataclass(frozen=True, slots=True)
class PersonCorrection:
    """`merge`: every mention in `together` is one person. `split`: `together` is one person, apart from `apart`.

    For a split, `apart` holds the mentions the person kept when the split was made.
    """

    correction_id: str
    kind: PersonCorrectionKind
    together: frozenset[str]
    apart: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class OrgAlias:
    """A raw affiliation string (compared normalised) that belongs to organisation `org_id`."""

    correction_id: str
    raw: str
    org_id: str
    # Enough to re-create an organisation the curated list does not hold.
    org_name: str
    org_kind: str | None = None
    org_country: str | None = None


@dataclass(frozen=True, slots=True)
class OrgSettings:
    """Attributes a user set on an organisation; None leaves the derived value."""

    correction_id: str
    org_id: str
    parent_id: str | None = None
    kind: str | None = None
    country: str | None = None
    # True: None clears the attribute (restoring values an earlier setting replaced) instead of leaving it.
    exact: bool = False


@dataclass(slots=True)
class Corrections:
    """All active corrections, oldest first."""

    people: list[PersonCorrection] = field(default_factory=list)
    org_aliases: list[OrgAlias] = field(default_factory=list)
    org_settings: list[OrgSettings] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.people) + len(self.org_aliases) + len(self.org_settings)


@dataclass(frozen=True, slots=True)
class StaleCorrection:
    """A correction that no longer applies in full, and why."""

    correction_id: str
    reason: str


@dataclass(slots=True)
class PersonConstraints:
    """Mention indices that must be one person, and pairs of index sets that must stay apart."""

    must_link: list[tuple[str, set[int]]] = field(default_factory=list)
    cannot_link: list[tuple[str, set[int], set[int]]] = field(default_factory=list)
    stale: list[StaleCorrection] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.must_link or self.cannot_link)


def compile_person_constraints(corrections: Sequence[PersonCorrection], keys: Iterable[str]) -> PersonConstraints:
    """Constraints over the mentions at `keys` (index = position), the latest correction winning conflicts."""
    index = {key: i for i, key in enumerate(keys)}
    musts: list[tuple[str, set[int]]] = []
    cannots: list[tuple[str, set[int], set[int]]] = []
    stale: list[StaleCorrection] = []
    for c in corrections:
        together = {index[k] for k in c.together if k in index}
        apart = {index[k] for k in c.apart if k in index}
        missing = len(c.together) - len(together) + len(c.apart) - len(apart)
        if c.kind == "merge":
            if len(together) < 2:
                stale.append(StaleCorrection(c.correction_id, "fewer than two of its mentions are still in the "
                                                               "sources: nothing left to merge"))
                continue
            # A merge undoes any earlier split between the mentions it joins.
            cannots = [(cid, a, b) for cid, a, b in cannots if not (a & together and b & together)]
            musts.append((c.correction_id, together))
        else:
            if not together or not apart:
                stale.append(StaleCorrection(c.correction_id, "one side of the split is no longer in the "
                                                               "sources: nothing left to keep apart"))
                continue
            # A split undoes the part of any earlier merge that joined the two sides.
            musts = [(cid, part) for cid, group in musts
                     for part in _split_group(group, together, apart) if len(part) > 1]
            musts.append((c.correction_id, together))
            cannots.append((c.correction_id, together, apart))
        if missing:
            stale.append(StaleCorrection(c.correction_id, f"{missing} of its mentions are no longer in the "
                                                           "sources; it applies to the rest"))
    return PersonConstraints(must_link=musts, cannot_link=cannots, stale=stale)


def _split_group(group: set[int], together: set[int], apart: set[int]) -> list[set[int]]:
    if group & together and group & apart:
        return [group - together, group & together]
    return [group]


AnyCorrection = PersonCorrection | OrgAlias | OrgSettings


def to_payload(correction: AnyCorrection) -> dict[str, object]:
    """A JSON-ready dict of a correction, for storing it with the user data."""
    if isinstance(correction, PersonCorrection):
        return {"type": "person", "kind": correction.kind, "together": sorted(correction.together),
                "apart": sorted(correction.apart)}
    if isinstance(correction, OrgAlias):
        return {"type": "org_alias", "raw": correction.raw, "org_id": correction.org_id,
                "org_name": correction.org_name, "org_kind": correction.org_kind,
                "org_country": correction.org_country}
    return {"type": "org_settings", "org_id": correction.org_id, "parent_id": correction.parent_id,
            "kind": correction.kind, "country": correction.country}


def from_payload(correction_id: str, payload: dict[str, Any]) -> AnyCorrection:
    """The correction a stored payload describes; raises ValueError on a payload of no known type."""
    kind = payload.get("type")
    if kind == "person" and payload.get("kind") in ("merge", "split"):
        return PersonCorrection(correction_id, payload["kind"], frozenset(payload["together"]),
                                frozenset(payload.get("apart", ())))
    if kind == "org_alias":
        return OrgAlias(correction_id, payload["raw"], payload["org_id"], payload["org_name"],
                        payload.get("org_kind"), payload.get("org_country"))
    if kind == "org_settings":
        return OrgSettings(correction_id, payload["org_id"], payload.get("parent_id"), payload.get("kind"),
                           payload.get("country"))
    raise ValueError(f"correction {correction_id}: unknown payload type {kind!r}")


def collect(corrections: Iterable[AnyCorrection]) -> Corrections:
    """Corrections of every type, sorted into one Corrections, keeping their order."""
    out = Corrections()
    for c in corrections:
        if isinstance(c, PersonCorrection):
            out.people.append(c)
        elif isinstance(c, OrgAlias):
            out.org_aliases.append(c)
        else:
            out.org_settings.append(c)
    return out
