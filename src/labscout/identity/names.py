"""Person names: normalised keys, blocking keys and the compatibility test between two spellings."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from nicknames import NickNamer

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


@lru_cache(maxsize=400_000)
def middle_clash(a: str, b: str) -> bool:
    """Two spellings of one given name and surname whose middle initials cannot be one person's ('Matthew W.
    Hoffman', 'Matthew D. Hoffman'): two people, even where each is proven one person with a bare 'Matthew
    Hoffman'. Looser than `compatible`, since it judges spellings an id may have proven one person's: a middle
    written as joined initials ('Jackie CK Cheung', 'Ruud JG van Sloun') or one left out ('Cicero dos Santos'
    for 'Cicero Nogueira dos Santos') is no clash; initials of one not found in order in the other are."""
    pa, pb = split_name(a), split_name(b)
    if not pa.middle or not pb.middle or pa.last != pb.last or not _given_compatible(pa.first, pb.first):
        return False
    ia, ib = _middle_initials(pa.middle), _middle_initials(pb.middle)
    short, long = (ia, ib) if len(ia) <= len(ib) else (ib, ia)
    rest = iter(long)
    return not all(letter in rest for letter in short)


def _middle_initials(middle: tuple[str, ...]) -> str:
    # "ck" is two initials written together; "kit" is a name, its initial is its first letter.
    return "".join(token if len(token) <= 2 else token[0] for token in middle)


def _one_typo(a: str, b: str) -> bool:
    """Two long tokens one letter apart ('studer' / 'studor', 'antreas' / 'anthreas')."""
    if min(len(a), len(b)) < 5 or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:k] + long[k + 1:] == short for k in range(len(long)))


@lru_cache(maxsize=1)
def _nicknamer() -> NickNamer:
    return NickNamer()


@lru_cache(maxsize=100_000)
def given_forms(given: str) -> frozenset[str]:
    """A given name with the English names it is short for and the short forms of it ('tom': 'thomas',
    'tommy', 'thom'), from the `nicknames` table (hand-curated English names; it holds no Chinese syllable)."""
    table = _nicknamer()
    return frozenset({given} | table.canonicals_of(given) | table.nicknames_of(given))


@lru_cache(maxsize=200_000)
def id_variant(a: str, b: str, curated: bool = False) -> bool:
    """Whether two names printed under one author id can be that one person's.

    Beyond `compatible`: the same letters spaced otherwise ('AiTi Aw', 'Ai Ti Aw'), the order swapped ('Li
    Jian', 'Jian Li'), names added or left out ('Xin Zhao', 'Wayne Xin Zhao'), a short form of the given
    name ('Steve', 'Steven'), one typo in a long name. Under an id the person keeps themselves (`curated`: an
    OpenReview profile, an ACL Anthology page) a changed surname or given name too ('Katharina Kann',
    'Katharina von der Wense'), since the profile lists their own names. What it never accepts is two names
    with nothing in common: an e-mail printed in the wrong author's slot ('Yoshua Bengio' for Sergey Levine).
    """
    if compatible(a, b):
        return True
    ta, tb = normalise_name(a).split(), normalise_name(b).split()
    if not ta or not tb:
        return False
    if "".join(ta) == "".join(tb) or sorted(ta) == sorted(tb):
        return True
    short, long = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
    if len(short) >= 2 and set(short) <= set(long):
        return True
    if len(ta) == len(tb):
        differ = [(x, y) for x, y in zip(ta, tb, strict=True) if x != y]
        if len(differ) == 1:
            x, y = differ[0]
            if _one_typo(x, y):
                return True
            # A short given name: 'Alex' for 'Alexander', 'Greg' for 'Gregory'.
            if x == ta[0] and min(len(x), len(y)) >= 3 and (x.startswith(y) or y.startswith(x)):
                return True
    if curated:
        sa, sb = set(ta), set(tb)
        return ta[-1] == tb[-1] or (len(ta[0]) > 1 and ta[0] == tb[0]) or bool(
            {t for t in sa & sb if len(t) > 2})
    return False
