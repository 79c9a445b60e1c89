"""Organisation resolution: affiliation strings and e-mail domains to canonical organisations.

A curated table (data/organisations.json) names the big AI employers and universities with their aliases,
domains, parent, kind and country. Everything else becomes a non-curated organisation keyed by its
normalised institution name, so the same string always lands on the same organisation.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Literal

from rapidfuzz import fuzz, process

OrgKind = Literal["industry_lab", "university", "startup", "government_nonprofit", "unknown"]


@dataclass(frozen=True, slots=True)
class Organisation:
    org_id: str
    name: str
    kind: OrgKind
    country: str | None
    parent_id: str | None
    domains: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    curated: bool = False


@dataclass(frozen=True, slots=True)
class OrgMatch:
    org: Organisation
    method: str  # domain | alias | fuzzy | name
    score: float


_GENERIC_DOMAINS = frozenset(
    "gmail.com googlemail.com qq.com foxmail.com 163.com 126.com 139.com 188.com sina.com sina.cn sohu.com "
    "yeah.net aliyun.com outlook.com hotmail.com live.com msn.com icloud.com me.com mac.com yahoo.com "
    "protonmail.com proton.me mail.ru yandex.ru yandex.com aol.com gmx.de gmx.net web.de naver.com "
    "hanmail.net daum.net zoho.com mail.com hotmail.co.uk yahoo.co.jp yahoo.co.in rediffmail.com "
    "users.noreply.github.com github.com example.org example.com".split()
)
_GENERIC_PREFIXES = ("yahoo.", "hotmail.", "outlook.", "live.")

_COUNTRY_TLD = {
    "cn": "CN", "de": "DE", "uk": "GB", "fr": "FR", "ch": "CH", "jp": "JP", "kr": "KR", "ca": "CA",
    "au": "AU", "sg": "SG", "hk": "HK", "tw": "TW", "in": "IN", "il": "IL", "nl": "NL", "it": "IT",
    "es": "ES", "se": "SE", "dk": "DK", "fi": "FI", "no": "NO", "at": "AT", "be": "BE", "ru": "RU",
    "br": "BR", "sa": "SA", "ae": "AE", "ir": "IR", "tr": "TR", "pl": "PL", "pt": "PT", "gr": "GR",
    "cz": "CZ", "ie": "IE", "nz": "NZ", "mx": "MX", "ar": "AR", "cl": "CL", "za": "ZA", "eg": "EG",
    "my": "MY", "th": "TH", "vn": "VN", "id": "ID", "pk": "PK", "hu": "HU", "ro": "RO", "lu": "LU",
    "edu": "US", "gov": "US", "mil": "US",
}
_UNIVERSITY_WORDS = ("university", "universit", "college", "school", "institute of technology", "polytechnic",
                     "ecole", "hochschule", "academy")
_INDUSTRY_WORDS = (" inc", " corp", " ltd", " llc", " gmbh", " co ", "technologies", " labs", "company",
                   "limited", " ag", " sa", " plc")
_PUBLIC_WORDS = ("national laboratory", "national lab", "foundation", "government", "ministry", "max planck",
                 "cnrs", "inria", "institut national", "council", "agency", "hospital", "national institute")
_DEPARTMENT_PREFIXES = ("department", "dept", "school of", "faculty", "college of", "center for", "centre for",
                        "division of", "laboratory of", "lab of", "key laboratory", "state key", "graduate school",
                        "institute for", "institute of")
_INSTITUTION_WORDS = ("universit", "institute", "college", "polytechnic", "academy", "laborator", " lab",
                      "research", "inc", "ltd", "corp", "gmbh", "technologies", "ecole", "hochschule", "eth ",
                      "group", "company")
_FUZZY_STOP = frozenset("university of the and at in de di du la le der des von und institute technology department "
                        "science sciences school "
                        "college research national center centre for engineering computer".split())
_SPACES = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^a-z0-9 ]+")
_GLUED_DIGITS = re.compile(r"(?<=[a-z])\d+\b|\b\d+(?=[a-z])")


@lru_cache(maxsize=200_000)
def normalise_org_name(raw: str) -> str:
    """The key for exact matching: lower-case ASCII words, '&' as 'and', 'univ.' spelt out, no leading 'the'."""
    folded = unicodedata.normalize("NFKD", raw.casefold())
    text = "".join(ch for ch in folded if not unicodedata.combining(ch))
    text = text.replace("&", " and ").replace("univ.", "university ").replace("’", "'").replace("'", "")
    text = _SPACES.sub(" ", _NON_WORD.sub(" ", text)).strip()
    # Footnote marks glued to words in PDF-extracted lists: "Stanford University1", "4Alibaba Group".
    text = _GLUED_DIGITS.sub("", text)
    return text[4:] if text.startswith("the ") else text


def is_generic_domain(domain: str) -> bool:
    """Whether an e-mail domain says nothing about the employer (webmail and the like)."""
    d = domain.strip().lower()
    return not d or d in _GENERIC_DOMAINS or d.startswith(_GENERIC_PREFIXES)


def _slug(key: str) -> str:
    return key.replace(" ", "-")[:80] or "unnamed"


def _country_of_domain(domain: str | None) -> str | None:
    if not domain:
        return None
    return _COUNTRY_TLD.get(domain.rsplit(".", 1)[-1])


def guess_kind(name: str, domain: str | None = None) -> OrgKind:
    """A non-curated organisation's kind from words in its name and its domain."""
    key = f" {normalise_org_name(name)} "
    if any(w in key for w in _PUBLIC_WORDS):
        return "government_nonprofit"
    if any(w in key for w in _UNIVERSITY_WORDS):
        return "university"
    if domain and (domain.endswith(".edu") or ".edu." in domain or ".ac." in domain):
        return "university"
    if any(w in key for w in _INDUSTRY_WORDS) or (domain or "").endswith((".com", ".ai")):
        return "industry_lab"
    return "unknown"


def load_curated() -> list[Organisation]:
    """The curated table shipped with the package."""
    text = resources.files("labscout.identity").joinpath("data/organisations.json").read_text(encoding="utf-8")
    return [
        Organisation(org_id=o["org_id"], name=o["name"], kind=o["kind"], country=o["country"],
                     parent_id=o["parent_id"], domains=tuple(o["domains"]), aliases=tuple(o["aliases"]),
                     curated=True)
        for o in json.loads(text)
    ]


@dataclass(slots=True)
class _Index:
    by_alias: dict[str, str] = field(default_factory=dict)
    by_domain: dict[str, str] = field(default_factory=dict)
    by_token: dict[str, list[str]] = field(default_factory=dict)


class OrgResolver:
    """Resolves (affiliation, domain) pairs; remembers every organisation it has handed out."""

    def __init__(self, curated: Sequence[Organisation] | None = None) -> None:
        orgs = list(curated) if curated is not None else load_curated()
        self._orgs: dict[str, Organisation] = {o.org_id: o for o in orgs}
        self._index = _Index()
        for org in orgs:
            for alias in (org.name, *org.aliases):
                self._index.by_alias.setdefault(normalise_org_name(alias), org.org_id)
            for domain in org.domains:
                self._index.by_domain[domain.lower()] = org.org_id
        for key in self._index.by_alias:
            for token in key.split():
                if len(token) > 2 and token not in _FUZZY_STOP:
                    self._index.by_token.setdefault(token, []).append(key)
        self._cache: dict[tuple[str | None, str | None], OrgMatch | None] = {}

    def organisations(self) -> list[Organisation]:
        return list(self._orgs.values())

    def get(self, org_id: str) -> Organisation:
        return self._orgs[org_id]

    def resolve(self, raw: str | None, domain: str | None = None) -> OrgMatch | None:
        """The organisation an affiliation string and e-mail domain point to, and how it was found."""
        key = (raw, domain)
        if key not in self._cache:
            self._cache[key] = self._resolve(raw.strip() if raw else "", (domain or "").strip().lower())
        return self._cache[key]

    def _resolve(self, raw: str, domain: str) -> OrgMatch | None:
        # A curated domain is the most reliable signal: people type their affiliation in many ways but
        # their institutional e-mail in one.
        for part in domain.split("+") if domain else ():
            found = self._by_domain(part)
            if found is not None:
                return OrgMatch(self._orgs[found], "domain", 1.0)
        if raw:
            return self._by_name(raw, domain.split("+")[0] if domain else None)
        return self._from_domain_only(domain.split("+")[0]) if domain else None

    def _by_domain(self, domain: str) -> str | None:
        if is_generic_domain(domain):
            return None
        labels = domain.split(".")
        for start in range(len(labels) - 1):
            found = self._index.by_domain.get(".".join(labels[start:]))
            if found:
                return found
        return None

    def _by_name(self, raw: str, domain: str | None) -> OrgMatch | None:
        whole = normalise_org_name(raw)
        if not whole:
            return None
        if whole in self._index.by_alias:
            return OrgMatch(self._orgs[self._index.by_alias[whole]], "alias", 1.0)
        parts = [p for p in (normalise_org_name(x) for x in re.split(r",|;| - | / |\(|\)", raw)) if p]
        for part in parts:
            if part in self._index.by_alias:
                return OrgMatch(self._orgs[self._index.by_alias[part]], "alias", 1.0)
        # "KU Leuven and ETH Zurich": two organisations in one slot; the first one is taken.
        for piece in re.split(r" and ", whole):
            if piece != whole and piece in self._index.by_alias:
                return OrgMatch(self._orgs[self._index.by_alias[piece]], "alias", 1.0)
        institution = _institution_part(raw)
        fuzzy = self._fuzzy(normalise_org_name(institution))
        if fuzzy is not None:
            return fuzzy
        return self._new_org(institution, domain)

    def _fuzzy(self, key: str) -> OrgMatch | None:
        candidates = {alias for token in key.split() for alias in self._index.by_token.get(token, ())}
        if not candidates:
            return None
        # Plain ratio, not WRatio: partial matching would fold "University of California, Irvine" into
        # "University of California, Berkeley".
        for alias, score, _ in process.extract(key, candidates, scorer=fuzz.ratio, score_cutoff=92, limit=3):
            # A high overall ratio can hide one different distinctive word ("Nanjing University of Posts
            # and Telecommunications" vs "Beijing ..."): every distinctive word must have a close twin.
            if _distinctive_words_agree(key, alias):
                return OrgMatch(self._orgs[self._index.by_alias[alias]], "fuzzy", score / 100)
        return None

    def _new_org(self, name: str, domain: str | None) -> OrgMatch | None:
        key = normalise_org_name(name)
        if not key:
            return None
        org_id = _slug(key)
        org = self._orgs.get(org_id)
        if org is None:
            org = Organisation(org_id=org_id, name=name.strip(), kind=guess_kind(name, domain),
                               country=_country_of_domain(domain), parent_id=None)
            self._orgs[org_id] = org
        return OrgMatch(org, "name", 1.0)

    def _from_domain_only(self, domain: str) -> OrgMatch | None:
        # A bare domain becomes an organisation only when it is plainly an institution's.
        if is_generic_domain(domain) or not (domain.endswith(".edu") or ".edu." in domain or ".ac." in domain):
            return None
        labels = domain.split(".")
        # cs.xyz.edu and xyz.edu are one institution; xyz.edu.cn keeps its country suffix.
        registered = labels[-3:] if len(labels) >= 3 and labels[-2] in ("edu", "ac", "co", "com") else labels[-2:]
        org_id = "domain-" + ".".join(registered)
        org = self._orgs.get(org_id)
        if org is None:
            org = Organisation(org_id=org_id, name=registered[0].upper(), kind="university",
                               country=_country_of_domain(domain), parent_id=None, domains=(".".join(registered),))
            self._orgs[org_id] = org
        return OrgMatch(org, "domain", 1.0)


def _distinctive_words_agree(a: str, b: str) -> bool:
    words_a = [w for w in a.split() if w not in _FUZZY_STOP]
    words_b = [w for w in b.split() if w not in _FUZZY_STOP]

    def covered(xs: list[str], ys: list[str]) -> bool:
        return all(any(fuzz.ratio(x, y) >= 80 for y in ys) for x in xs)

    return bool(words_a) and covered(words_a, words_b) and covered(words_b, words_a)


def _institution_part(raw: str) -> str:
    """The comma-separated part of an affiliation that names the institution, not a department or city."""
    parts = [p.strip() for p in raw.split(",") if p.strip()]
    if len(parts) <= 1:
        return raw.strip()
    keyed = [(p, f" {normalise_org_name(p)} ") for p in parts]
    for part, key in keyed:
        if any(w in key for w in _INSTITUTION_WORDS) and not key.strip().startswith(_DEPARTMENT_PREFIXES):
            return part
    for part, key in keyed:
        if not key.strip().startswith(_DEPARTMENT_PREFIXES):
            return part
    return parts[-1]
