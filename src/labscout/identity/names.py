"""Person names: normalised keys, blocking keys and the compatibility test between two spellings."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_NON_LETTER = re.compile(r"[^a-z0-9 ]+")
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
# Letters that NFKD does not decompose but that people type without the mark elsewhere.
_FOLD = str.maketrans({"ø": "o", "ł": "l", "đ": "d", "ß": "ss", "æ": "ae", "œ": "oe", "ı": "i", "þ": "th"})


@lru_cache(maxsize=400_000)
def normalise_name(raw: str) -> str:
    """Lower-case ASCII form of a name: accents dropped, hyphens and dots become spaces."""
    lowered = raw.casefold()
    if lowered.isascii():
        # Most names: nothing to fold, and the per-character accent scan is most of the cost.
        ascii_only = lowered
    else:
        folded = unicodedata.normalize("NFKD", lowered.translate(_FOLD))
        ascii_only = "".join(ch for ch in folded if not unicodedata.combining(ch))
    # "Yu-Xiang" and "Yuxiang" are one romanisation; the hyphen is dropped, not made a space.
    spaced = ascii_only.replace("-", "").replace(".", " ").replace("_", " ")
    cleaned = _NON_LETTER.sub("", spaced)
    tokens = cleaned.split()
    while len(tokens) > 2 and tokens[-1] in _SUFFIXES:
        tokens.pop()
    return " ".join(tokens)


@dataclass(frozen=True, slots=True)
class NameParts:
    first: str
    middle: tuple[str, ...]
    last: str

    @property
    def block(self) -> str:
        """The blocking key: mentions are only ever compared within one block (first initial + surname)."""
        return f"{self.first[:1]} {self.last}" if self.first else self.last


@lru_cache(maxsize=400_000)
def split_name(raw: str) -> NameParts:
    """First, middle and last parts of a name (Western order, as the sources print them)."""
    tokens = normalise_name(raw).split(" ")
    if len(tokens) == 1:
        return NameParts(first="", middle=(), last=tokens[0])
    return NameParts(first=tokens[0], middle=tuple(tokens[1:-1]), last=tokens[-1])


def _given_compatible(a: str, b: str) -> bool:
    if not a or not b:
        return True
    if len(a) == 1 or len(b) == 1:
        return a[0] == b[0]
    return a == b


@lru_cache(maxsize=400_000)
def compatible(a: str, b: str) -> bool:
    """Whether two spellings can name one person: same surname, given names equal or initial-compatible.

    'G. Tesauro' fits 'Gerald Tesauro'; 'Gerald Tesauro' and 'George Tesauro' never do; a middle name
    present in only one spelling is no conflict, two different middle names are.
    """
    pa, pb = split_name(a), split_name(b)
    if pa.last != pb.last or not _given_compatible(pa.first, pb.first):
        return False
    return all(_given_compatible(x, y) for x, y in zip(pa.middle, pb.middle, strict=False))
