"""What a name that fits several people or organisations offers: short records to choose one by id."""

from __future__ import annotations

from dataclasses import dataclass

from labscout.errors import InvalidError


@dataclass(frozen=True, slots=True)
class PersonMatch:
    """One of the people a name fits: enough to tell them apart and pick one by id."""

    person_id: str
    name: str
    n_papers: int
    first_year: int | None
    last_year: int | None
    latest_org: str | None
    latest_org_year: int | None


@dataclass(frozen=True, slots=True)
class OrgMatch:
    """One of the organisations a name fits."""

    org_id: str
    name: str
    kind: str | None
    country: str | None
    n_papers: int


class AmbiguousError(InvalidError):
    """A name fits several people or organisations; the candidates are listed so a human can choose."""

    def __init__(self, message: str, candidates: list[PersonMatch] | list[OrgMatch], *, field: str | None = None,
                 ) -> None:
        super().__init__(message, field=field)
        self.candidates = candidates
