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
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from itertools import pairwise
from typing import Literal, cast, get_args

from rapidfuzz import fuzz, process

from labscout.identity.constraints import OrgAlias, OrgSettings
from labscout.sources.records import Institution

OrgKind = Literal["industry_lab", "university", "startup", "government_nonprofit", "investor", "unknown"]
_KINDS: tuple[str, ...] = get_args(OrgKind)


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
    # The organisation this one became (a rename or a merger: Tokyo Tech -> Institute of Science Tokyo).
    successor_id: str | None = None
    # Institutes whose people routinely hold an appointment at these too (Mila and Université de Montréal).
    affiliates: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class OrgMatch:
    org: Organisation
    method: str  # domain | alias | fuzzy | name
    score: float


_GENERIC_DOMAINS = frozenset(
    "gmail.com googlemail.com qq.com foxmail.com 163.com 126.com 139.com 188.com sina.com sina.cn sohu.com "
    "yeah.net aliyun.com outlook.com hotmail.com live.com msn.com icloud.com me.com mac.com yahoo.com "
    "protonmail.com proton.me pm.me mail.ru yandex.ru yandex.com aol.com gmx.de gmx.net web.de naver.com "
    "hanmail.net daum.net zoho.com mail.com rediffmail.com tutanota.com fastmail.com 21cn.com tom.com "
    "users.noreply.github.com github.com example.org example.com ieee.org acm.org".split()
)
_GENERIC_PREFIXES = ("yahoo.", "hotmail.", "outlook.", "live.", "protonmail.", "gmx.")

_COUNTRY_TLD = {
    "cn": "CN", "de": "DE", "uk": "GB", "fr": "FR", "ch": "CH", "jp": "JP", "kr": "KR", "ca": "CA",
    "au": "AU", "sg": "SG", "hk": "HK", "tw": "TW", "in": "IN", "il": "IL", "nl": "NL", "it": "IT",
    "es": "ES", "se": "SE", "dk": "DK", "fi": "FI", "no": "NO", "at": "AT", "be": "BE", "ru": "RU",
    "br": "BR", "sa": "SA", "ae": "AE", "ir": "IR", "tr": "TR", "pl": "PL", "pt": "PT", "gr": "GR",
    "cz": "CZ", "ie": "IE", "nz": "NZ", "mx": "MX", "ar": "AR", "cl": "CL", "za": "ZA", "eg": "EG",
    "my": "MY", "th": "TH", "vn": "VN", "id": "ID", "pk": "PK", "hu": "HU", "ro": "RO", "lu": "LU",
    "mo": "MO", "qa": "QA", "ee": "EE", "si": "SI", "sk": "SK", "hr": "HR", "ua": "UA", "co": "CO",
    "edu": "US", "gov": "US", "mil": "US",
}
# Trailing address parts ("Seoul, Korea") give a country when no domain does.
_COUNTRY_NAMES = {
    "usa": "US", "us": "US", "united states": "US", "united states of america": "US", "china": "CN",
    "pr china": "CN", "p r china": "CN", "uk": "GB", "united kingdom": "GB", "england": "GB",
    "scotland": "GB", "germany": "DE", "france": "FR", "japan": "JP", "korea": "KR", "south korea": "KR",
    "republic of korea": "KR", "canada": "CA", "singapore": "SG", "switzerland": "CH", "israel": "IL",
    "italy": "IT", "netherlands": "NL", "the netherlands": "NL", "australia": "AU", "india": "IN",
    "hong kong": "HK", "taiwan": "TW", "spain": "ES", "sweden": "SE", "denmark": "DK", "finland": "FI",
    "norway": "NO", "austria": "AT", "belgium": "BE", "russia": "RU", "brazil": "BR", "ireland": "IE",
    "portugal": "PT", "poland": "PL", "greece": "GR", "czech republic": "CZ", "new zealand": "NZ",
    "saudi arabia": "SA", "united arab emirates": "AE", "uae": "AE", "iran": "IR", "turkey": "TR",
    "macau": "MO", "macao": "MO", "vietnam": "VN", "mexico": "MX", "luxembourg": "LU",
}
_UNIVERSITY_WORDS = ("university", "universit", "college", "school", "institute of technology", "polytechnic",
                     "ecole", "hochschule", "academy")
_INDUSTRY_WORDS = (" inc", " corp", " ltd", " llc", " gmbh", " co ", "technologies", "technology co",
                   " labs ", "company", "limited", " ag ", " plc", " ai lab")
_PUBLIC_WORDS = ("national laboratory", "national lab", "foundation", "government", "ministry", "max planck",
                 "cnrs", "inria", "institut national", "council", "agency", "hospital", "national institute")
# Sub-units that never name an employer on their own ...
_DEPARTMENT_PREFIXES = ("department", "dept", "school of", "faculty", "college of", "division of", "program",
                        "graduate school", "computer science", "electrical", "ee ", "cs ", "eecs")
# ... and sub-units that do when nothing better is given ("Institute of Automation").
_SUBUNIT_PREFIXES = ("center for", "centre for", "laboratory of", "lab of", "key laboratory", "state key",
                     "key lab", "institute for", "institute of", "lab for", "laboratory for")
_STRONG_WORDS = ("universit", "institute", "college", "polytechnic", "academy", "ecole", "hochschule", "eth ",
                 "technion", " inc ", " ltd ", " corp", " gmbh ", "technologies", "company", "corporation")
_WEAK_WORDS = ("laborator", " lab ", " labs ", "research", "group", "center", "centre", " ai ")
_LEGAL_SUFFIXES = frozenset("inc ltd co llc corp gmbh ag sa plc limited corporation".split())
_SYSTEMS = ("university of california", "university of texas", "university of massachusetts",
            "university of wisconsin", "university of illinois", "university of maryland",
            "university of colorado", "university of north carolina", "university of missouri",
            "university of nebraska",
            "university of hawaii", "university of tennessee", "university of alabama",
            "indian institute of technology", "indian institute of information technology",
            "national institute of technology", "state university of new york", "city university of new york",
            "indian institute of science education and research", "max planck institute")
_NOT_ORGS = frozenset({"independent researcher", "independent", "unaffiliated", "none", "n a", "na",
                       "student", "researcher", "independent scholar", "unknown", "self", "personal"})
_PLACES = frozenset("berkeley stanford oxford cambridge princeton toronto montreal waterloo edinburgh "
                    "zurich tokyo amsterdam delft sydney adelaide rochester utah copenhagen trento tubingen "
                    "tuebingen lausanne singapore hong kong paris london beijing shanghai seoul".split())
# Words that name where a unit of an organisation sits, not another organisation: "DeepMind London",
# "Samsung AI Center Toronto", "Inria Lille Nord Europe".
_PLACE_WORDS = frozenset((
    "london paris zurich zürich tokyo beijing shanghai shenzhen hangzhou seoul singapore toronto montreal "
    "montréal new york nyc redmond seattle bellevue kirkland boston cambridge pittsburgh atlanta austin chicago "
    "mountain view menlo park palo alto sunnyvale cupertino santa clara san francisco bay area los angeles "
    "san diego irvine princeton berkeley oxford edinburgh manchester bristol dublin amsterdam delft berlin "
    "munich tübingen tubingen tuebingen stuttgart heidelberg darmstadt saarbrücken saarbrucken vienna prague "
    "warsaw stockholm copenhagen oslo helsinki madrid barcelona lisbon milan rome turin trento grenoble lille "
    "nord saclay rennes nancy bordeaux sophia antipolis montpellier lyon tel aviv haifa herzliya jerusalem "
    "bangalore bengaluru hyderabad delhi mumbai chennai kyoto osaka nagoya daejeon suwon seongnam gyeonggi "
    "pangyo hefei nanjing wuhan chengdu xian xi an guangzhou zhuhai suzhou tianjin qingdao hong kong taipei "
    "hsinchu sydney melbourne brisbane adelaide vancouver edmonton ottawa quebec waterloo accra nairobi "
    "dubai abu dhabi doha moscow st petersburg ann arbor "
    "usa us uk u k united states america kingdom china pr japan korea south germany france canada israel "
    "india switzerland netherlands singapore australia europe emea asia pacific africa russia "
    "ca wa ny ma nj pa il tx").split())
# Words that name a unit of a company or institute rather than another organisation ("Amazon Science").
_UNIT_WORDS = frozenset(
    "ai research lab labs laboratory laboratories team group center inc corp corporation ltd llc gmbh co "
    "company technologies technology global international science sciences studio studios office "
    "headquarters hq r d and".split())
# A name made of nothing but such words names no institution: PDF extraction leaves "University of
# Science", "Institute of Advanced Research", "Research Lab" where the real name was lost.
_GENERIC_ORG_WORDS = frozenset(
    "university universities institute institution of the and for in at science sciences technology "
    "research advanced lab labs laboratory laboratories center department dept school college faculty "
    "national engineering computer computing information applied studies group centre division "
    "graduate key state".split())
# The last word of a lab's name: "UCLA Vision Lab" and "MIT Media Lab" are units of their university.
_LAB_ENDINGS = frozenset("lab labs laboratory laboratories group".split())
# A slot that says it names no organisation ("Unknown Affiliation", "(No affiliation provided in the text)",
# "Independent Researcher London"); "Independent University" (Dhaka) is one.
_NO_AFFILIATION = re.compile(r"double blind|anonymous|under review|anonymized|\b(?:unknown|no) affiliation\b"
                             r"|^independent (?:research|reseach|consult|scholar)|\bis an independent researcher\b")
# Grant programmes and the agency running them, printed beside the employer ("The University of Tokyo +
# RIKEN AIP + PRESTO, Japan Science and Technology Agency"): they fund the work, nobody works there. "CREST"
# alone is left alone: CREST-ENSAE is a research centre with staff.
_FUNDING = re.compile(r"^(?:jst )?presto\b|^basic research programs? presto\b|^jst(?: crest| act x| act i)?$"
                      r"|^japan science and technology agency(?: jst)?$")
_FUZZY_STOP = frozenset("university of the and at in de di du la le der des von und institute technology "
                        "department science sciences school college research national center centre for "
                        "engineering computer".split())
_SPACES = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^a-z0-9 ]+")
# Digits glued to a word of four letters or more ("University1"), or leading a word ("4Alibaba"); short
# names keep theirs: "AI2" and "AI21" are two organisations, "1X" is a company. So do the names whose digits
# are their own ("Data61", CSIRO's unit): without them the name is the word "data", and "Data Intelligence
# Group, UESTC" would start with an alias of CSIRO.
_GLUED_DIGITS = re.compile(r"(?<=[a-z]{4})(?<!\bdata)\d+\b|\b\d+(?=[a-z]{2})")
_CENTRE = re.compile(r"\bcentre\b")
_U_OF = re.compile(r"\bu\.\s*of\b")
# Initials written with dots are one word: "U.C. Berkeley" is "UC Berkeley", "K.U.Leuven" is "KU Leuven".
_DOTTED_INITIALS = re.compile(r"\b(?:[a-z]\.){2,}")
# An e-mail address printed where the affiliation goes, spaced by PDF extraction ("TZAMOS @WISC .EDU"): its
# domain is what it tells, and the address names no organisation.
_MAIL_AS_NAME = re.compile(r"[\w.+-]+\s*@\s*((?:[a-z0-9-]+\s*\.\s*)+[a-z]{2,})", re.IGNORECASE)
# LaTeX accents left in a list: 'T\"ubingen'.
_LOOSE_ACCENTS = re.compile(r"\\?[\"^~](?=\w)")
# Spacing accents left by PDF extraction ('Universit ´e', 'F´ ed´ erale', 'Bo˘ gazi¸ ci', 'Hˆ opitaux'), each
# with the combining mark it stands for. The mark stands before its letter, with a space on either side
# of it when inside a word; before a capital after a space it begins a word ('LIX, ´Ecole').
_SPACING_MARKS = {"´": "\u0301", "`": "\u0300", "¨": "\u0308", "˜": "\u0303", "ˆ": "\u0302", "¸": "\u0327",
                  "˘": "\u0306", "˚": "\u030a", "ˇ": "\u030c", "˝": "\u030b"}
_MARK = "[" + "".join(_SPACING_MARKS) + "]"
_PDF_ACCENT = re.compile(r"(?:(?<=[^\W\d_])\s)?(" + _MARK + r")\s?([^\W\d_])")
# A mark left over, standing for no accented letter ("Universit¸e Laval"): the key drops it, and the
# space PDF put after it.
_STRAY_MARK = re.compile(r"(?<=\w)" + _MARK + r"\s?(?=\w)|" + _MARK)
# A cedilla is printed after its letter as often as before ('Bo ˘gazic¸i', 'Telecomunicac ¸ ões'); it is an
# accent only under these letters.
_CEDILLA_LETTERS = "cCsS"
_CEDILLA_AFTER = re.compile(f"([{_CEDILLA_LETTERS}])\\s?¸\\s?(?![{_CEDILLA_LETTERS}])")
# JSON escapes of accented letters left as text by a scraper: 'Universitu00e9 de Montru00e9al'.
_ESCAPED_LATIN = re.compile(r"(?<=[a-z])\\?u00([c-f][0-9a-f])")
# "@" too: "CompVis@LMU Munich", "PRIOR @ Allen Institute for AI", "RSISE@ANU and SML@NICTA" name a unit at a place.
_PIECES = re.compile(r",|;| - | – | / |\(|\)|@")
# Companies named by an ordinary word, which inside a longer name is that word: "Center for Vision, Cognition,
# Learning and Autonomy, UCLA" is not Cognition, "Industrial Light & Magic" is not Magic. Such a name counts
# as the whole slot (or its e-mail domain), never as one piece of it.
_WORD_NAMES = frozenset("cognition magic figure together reflection harmonic inflection writer runway glean imbue "
                        "adept sierra cursor benchmark accel conviction aurora".split())
_AT_THE = re.compile(r"^at (the )?")
_TRAILING_POSTCODE = re.compile(r"(\s+[0-9][0-9-]*)+$")


# Older lists join one author's several affiliations with '+'; a '+' doubled is part of a name ("Megvii
# (Face++) Technology Inc." is one company, not "Megvii (Face" and ") Technology Inc.").
_AFFILIATION_JOIN = re.compile(r"(?<!\+)\+(?!\+)")
# "Ryerson University and Samsung AI Centre Toronto", "The Ohio State University & Google Research NY": two
# affiliations in words rather than with '+' (split only when both halves are known places of two families).
_AND_JOIN = re.compile(r"\s+(?:and|&)\s+")


def split_affiliations(raw: str) -> list[str]:
    """A slot's '+'-joined affiliations in order, the first the primary one."""
    return _AFFILIATION_JOIN.split(raw)


def _accented(letter: str, mark: str) -> str | None:
    # A cedilla stands for others' marks too ('Universit¸e Laval'): only under c and s is it one.
    if mark == "¸" and letter not in _CEDILLA_LETTERS:
        return None
    # The dotless i is what PDF leaves under an accent ('Pontif ´ıcia'): the accent goes on an i. A pair
    # with no accented letter of its own is no accent ("King`s College"): left as printed.
    composed = unicodedata.normalize("NFC", ("i" if letter == "ı" else letter) + _SPACING_MARKS[mark])
    return composed if len(composed) == 1 else None


def _compose_accent(found: re.Match[str]) -> str:
    letter = found.group(2)
    composed = _accented(letter, found.group(1))
    if composed is None:
        return found.group(0)
    # Before a capital, a space ahead of the mark divides words; before a small letter it is debris.
    space = found.group(0)[0] if found.group(0)[0].isspace() and letter.isupper() else ""
    return space + composed


def repair_pdf_accents(text: str) -> str:
    """'Universit ´e de Montr ´eal' as 'Université de Montréal': an organisation's name as printed, mended."""
    if not any(mark in text for mark in _SPACING_MARKS):
        return text
    text = _CEDILLA_AFTER.sub(lambda found: _accented(found.group(1), "¸") or found.group(0), text)
    return _PDF_ACCENT.sub(_compose_accent, text)


# Words lists print cut short with a dot, and what they stand for in an organisation's name.
_SHORT_WORDS = {"inst": "institute", "tech": "technology", "sci": "science", "comput": "computing",
                "info": "information", "eng": "engineering", "lab": "laboratory", "nat": "national",
                "natl": "national", "acad": "academy", "int": "international", "intl": "international",
                "res": "research"}
_SHORT_WORD = re.compile(r"\b(" + "|".join(_SHORT_WORDS) + r")\.", re.IGNORECASE)


def _spell_out(name: str) -> str:
    return _SHORT_WORD.sub(lambda found: _SHORT_WORDS[found.group(1).lower()] + " ", name)


@lru_cache(maxsize=300_000)
def normalise_org_name(raw: str) -> str:
    """The exact-match key: lower-case ASCII words, '&' as 'and', 'univ.' spelt out, no leading 'the'."""
    text = _LOOSE_ACCENTS.sub("", _STRAY_MARK.sub("", repair_pdf_accents(raw)).casefold())
    text = _ESCAPED_LATIN.sub(lambda m: chr(int(m.group(1), 16)), text)
    if not text.isascii():
        text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    text = _DOTTED_INITIALS.sub(lambda m: m.group(0).replace(".", "") + " ", text)
    text = text.replace("&", " and ").replace("univ.", "university ")
    # "U. of Southern California"; "Universitaet", the umlaut spelt out ("Technische Universitaet Graz"). Only
    # that word: folding every "ae" would break English names ("Michael", "Aerospace").
    text = _U_OF.sub("university of", text).replace("universitaet", "universitat")
    text = text.replace("’", "").replace("‘", "").replace("'", "").replace("`", "")
    text = _SPACES.sub(" ", _NON_WORD.sub(" ", text)).strip()
    # Footnote marks glued to words in PDF-extracted lists: "Stanford University1", "4Alibaba Group".
    text = _CENTRE.sub("center", _GLUED_DIGITS.sub("", text)).strip()
    while text.startswith("the "):
        text = text[4:]
    return "" if text == "the" else text


def is_generic_domain(domain: str) -> bool:
    """Whether an e-mail domain says nothing about the employer (webmail and the like)."""
    d = domain.strip().lower()
    return not d or d in _GENERIC_DOMAINS or d.startswith(_GENERIC_PREFIXES)


_SECOND_LEVEL = frozenset("ac edu co com org gov net or ne go".split())


def registered_domain(domain: str) -> str:
    """The part of a domain an institution registers: cs.cmu.edu -> cmu.edu, nlpr.ia.ac.cn -> ia.ac.cn."""
    labels = domain.strip().lower().split(".")
    keep = 3 if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL and len(labels[-1]) == 2 else 2
    return ".".join(labels[-keep:])


def _country_of_domain(domain: str | None) -> str | None:
    return _COUNTRY_TLD.get(domain.rsplit(".", 1)[-1]) if domain else None


def _is_academic_domain(domain: str) -> bool:
    return domain.endswith(".edu") or ".edu." in domain or ".ac." in domain


def guess_kind(name: str, domain: str | None = None) -> OrgKind:
    """A non-curated organisation's kind from words in its name and its domain."""
    key = f" {normalise_org_name(name)} "
    if any(w in key for w in _PUBLIC_WORDS):
        return "government_nonprofit"
    if any(w in key for w in _UNIVERSITY_WORDS) or (domain and _is_academic_domain(domain)):
        return "university"
    if any(w in key for w in _INDUSTRY_WORDS) or (domain or "").endswith((".com", ".ai")):
        return "industry_lab"
    return "unknown"


def load_curated() -> list[Organisation]:
    """The curated table shipped with the package."""
    return list(_curated_table())


@lru_cache(maxsize=1)
def _curated_table() -> tuple[Organisation, ...]:
    # The table ships with the package and never changes while it runs; organisations are immutable.
    path = resources.files("labscout.identity").joinpath("data/organisations.json")
    return tuple(
        Organisation(org_id=o["org_id"], name=o["name"], kind=o["kind"], country=o["country"],
                     parent_id=o["parent_id"], domains=tuple(o["domains"]), aliases=tuple(o["aliases"]),
                     curated=True, successor_id=o.get("successor_id"), affiliates=tuple(o.get("affiliates", ())))
        for o in json.loads(path.read_text(encoding="utf-8")))


@dataclass(frozen=True, slots=True)
class _Institution:
    name: str  # the raw text of the part naming the institution
    index: int  # its position among the comma-separated parts; later parts are addresses
    country: str | None


def _institution_part(raw: str) -> _Institution | None:
    """The comma-separated part of an affiliation that names the institution, not a department or city."""
    parts = [p.strip() for p in raw.split(",") if normalise_org_name(p)]
    keys = [f" {normalise_org_name(p)} " for p in parts]
    # "Preferred Networks, Inc.": the legal suffix marks the part before it as a company.
    for i in range(len(parts) - 1, 0, -1):
        if set(keys[i].split()) <= _LEGAL_SUFFIXES:
            keys[i - 1] = keys[i - 1] + "inc "
            parts[i - 1] = f"{parts[i - 1]}, {parts[i]}"
            del parts[i], keys[i]
    if not parts:
        return None
    country = next((_COUNTRY_NAMES[k.strip()] for k in reversed(keys) if k.strip() in _COUNTRY_NAMES), None)
    plain = [not k.strip().startswith(_DEPARTMENT_PREFIXES + _SUBUNIT_PREFIXES) for k in keys]
    best = next((i for i, k in enumerate(keys) if plain[i] and any(w in k for w in _STRONG_WORDS)), None)
    if best is None:
        best = next((i for i, k in enumerate(keys) if plain[i] and any(w in k for w in _WEAK_WORDS)), None)
    if best is None:
        best = next((i for i, k in enumerate(keys) if plain[i] and k.strip() not in _COUNTRY_NAMES), None)
    if best is None:
        best = next((i for i, k in enumerate(keys) if k.strip().startswith(_SUBUNIT_PREFIXES)), None)
    if best is None:
        return None
    name, key = parts[best], keys[best].strip()
    # "AIT Austrian Institute of Technology (Center for Vision, ...)": the bracket names a unit.
    bare = name.split("(", 1)[0].strip()
    if bare != name and normalise_org_name(bare):
        name, key = bare, normalise_org_name(bare)
    # "University of California, Irvine": the campus is part of the name, not an address; so is the city
    # of a name that alone names no institution ("University of Technology, Sydney").
    if best + 1 < len(parts) and (key.endswith(_SYSTEMS) or set(key.split()) <= _GENERIC_ORG_WORDS):
        # A postcode after the city is an address, not part of the name ("University of Technology, Sydney
        # 2007"); digits anywhere else (a street number) make the part no campus.
        city = _TRAILING_POSTCODE.sub("", parts[best + 1]).strip()
        campus = normalise_org_name(city)
        if (campus and campus not in _COUNTRY_NAMES and len(campus.split()) <= 3
                and not any(c.isdigit() for c in campus)):
            name = f"{name}, {city}"
    elif key == "university of london" and best > 0:
        name = f"{parts[best - 1]}, {name}"
    return _Institution(name, best, country)


# "Mohamed bin Zayed University of AI" and "... of Artificial Intelligence", "German Research Center for AI"
# and DFKI's "German Research Center for Artificial Intelligence": a list spells the words out or not, and
# the two names are one organisation.
_SPELT_AI = re.compile(r"\bartificial intelligence\b")
_SHORT_AI = re.compile(r"\bai\b")


def _ai_short(key: str) -> str:
    return _SPELT_AI.sub("ai", key)


def _company_key(key: str) -> str:
    words = key.split()
    while len(words) > 1 and words[-1] in _LEGAL_SUFFIXES:
        words.pop()
    return " ".join(words)


class OrgResolver:
    """Resolves (affiliation, domain) pairs; remembers every organisation it has handed out."""

    def __init__(self, curated: Sequence[Organisation] | None = None) -> None:
        orgs = list(curated) if curated is not None else load_curated()
        self._orgs: dict[str, Organisation] = {o.org_id: o for o in orgs}
        self._by_alias: dict[str, str] = {}
        self._by_domain: dict[str, str] = {}
        self._by_token: dict[str, list[str]] = {}
        for org in orgs:
            for alias in (org.name, *org.aliases):
                self._by_alias.setdefault(normalise_org_name(alias), org.org_id)
            for domain in org.domains:
                self._by_domain[domain.lower()] = org.org_id
        self._by_alias.pop("", None)
        for key, org_id in list(self._by_alias.items()):
            self._by_alias.setdefault(_ai_short(key), org_id)
        for key in self._by_alias:
            for token in key.split():
                if len(token) > 2 and token not in _FUZZY_STOP:
                    # By the word and by its first and last four letters, so that a misspelt word ("Horida",
                    # "Massachusett") still finds the names it may stand for.
                    for handle in {token, "<" + token[:4], token[-4:] + ">"}:
                        self._by_token.setdefault(handle, []).append(key)
        self._cache: dict[tuple[str | None, str | None], OrgMatch | None] = {}
        self._named: dict[str, OrgMatch | None] = {}
        self._user_alias: dict[str, str] = {}
        self._settings: dict[str, OrgSettings] = {}

    def apply_corrections(self, aliases: Sequence[OrgAlias], settings: Sequence[OrgSettings]) -> None:
        """People's corrections: their aliases outrank every rule, their settings replace derived attributes."""
        for alias in aliases:
            if alias.org_id not in self._orgs:
                kind = alias.org_kind if alias.org_kind in _KINDS else guess_kind(alias.org_name)
                self._orgs[alias.org_id] = Organisation(alias.org_id, alias.org_name, cast(OrgKind, kind),
                                                        alias.org_country, None)
            self._user_alias[normalise_org_name(alias.raw)] = alias.org_id
        for setting in settings:
            # Settings made one after another on one organisation add up; the latest value of each wins.
            before = self._settings.get(setting.org_id)
            if before is not None and not setting.exact:
                setting = OrgSettings(setting.correction_id, setting.org_id,
                                      setting.parent_id or before.parent_id, setting.kind or before.kind,
                                      setting.country or before.country)
            self._settings[setting.org_id] = setting
        self._cache.clear()
        self._named.clear()

    def organisations(self) -> list[Organisation]:
        return [self._with_settings(o) for o in self._orgs.values()]

    def get(self, org_id: str) -> Organisation:
        return self._with_settings(self._orgs[org_id])

    def _with_settings(self, org: Organisation) -> Organisation:
        setting = self._settings.get(org.org_id)
        if setting is None:
            return org
        kind = setting.kind if setting.kind in _KINDS else org.kind
        if setting.exact:
            return replace(org, parent_id=setting.parent_id, kind=cast(OrgKind, kind), country=setting.country)
        return replace(org, parent_id=setting.parent_id or org.parent_id, kind=cast(OrgKind, kind),
                       country=setting.country or org.country)

    def resolve(self, raw: str | None, domain: str | None = None) -> OrgMatch | None:
        """The organisation an affiliation string and e-mail domain point to, and how it was found."""
        key = (raw, domain)
        if key not in self._cache and raw and self._user_alias:
            chosen = self._user_alias.get(normalise_org_name(raw))
            if chosen is not None:
                self._cache[key] = OrgMatch(self._orgs[chosen], "correction", 1.0)
        if key not in self._cache:
            clean = unicodedata.normalize("NFKC", domain or "").strip().lower()  # 'epﬂ.ch' has a ligature
            self._cache[key] = self._resolve(raw.strip() if raw else "", clean)
        return self._cache[key]

    def _resolve(self, raw: str, domain: str) -> OrgMatch | None:
        mailed = _MAIL_AS_NAME.fullmatch(raw)
        if mailed:
            raw, domain = "", domain or _SPACES.sub("", mailed.group(1)).lower()
        domains = [d.strip() for d in domain.split("+") if d.strip()]
        # A curated domain is the most reliable signal: people type their affiliation in many ways but
        # their institutional e-mail in one.
        # Older lists join one author's several affiliations with '+'; the first is the primary one.
        first_raw = next((p for p in self.affiliation_parts(raw) if normalise_org_name(p)), "")
        first_domain = domains[0] if domains else None
        for part in domains:
            found = self._curated_domain(part)
            if found is not None:
                # google.com or fb.com name the company; "DeepMind" or "FAIR" in the same family is sharper.
                named = self.resolve(first_raw) if first_raw else None
                if named and named.org.curated and self._root(named.org) == self._root(self._orgs[found]):
                    return named
                # The slot names another known organisation than its e-mail ("Tencent AI Lab" with a
                # columbia.edu address, a PDF list whose e-mails are not in author order): the affiliation the
                # paper prints says where the work was done, unless it lists the e-mail's organisation too.
                if named and named.org.curated and not self._lists(raw, self._root(self._orgs[found])):
                    return named
                return OrgMatch(self._orgs[found], "domain", 1.0)
        match = None
        if first_raw:
            # The name alone decides the organisation, so one lookup serves every domain it comes with.
            if first_raw not in self._named:
                self._named[first_raw] = self._by_name(first_raw, first_domain)
            match = self._named[first_raw]
        if match is None and first_domain:
            return self._from_domain_only(first_domain)
        return match

    def affiliation_parts(self, raw: str) -> list[str]:
        """A slot's affiliations in order, the first the primary one: '+'-joined, or, in a slot of one, two
        known organisations of different families joined by "and" or "&" (a name holding the word, "University
        of Science and Technology of China", is one place: its halves are no known organisations)."""
        parts = split_affiliations(raw)
        if len(parts) == 1:
            halves = [h.strip() for h in _AND_JOIN.split(raw)]
            if len(halves) == 2 and all(halves):
                first, second = (self.resolve(h) for h in halves)
                if (first is not None and second is not None and first.org.curated and second.org.curated
                        and self._root(first.org) != self._root(second.org)):
                    return halves
        return parts

    def _lists(self, raw: str, root: str) -> bool:
        """Whether one of the affiliations after the first of `raw` names an organisation of the family `root`."""
        for part in self.affiliation_parts(raw)[1:]:
            named = self.resolve(part.strip()) if normalise_org_name(part) else None
            if named is not None and self._root(named.org) == root:
                return True
        return False

    def _curated_domain(self, domain: str) -> str | None:
        if is_generic_domain(domain):
            return None
        labels = domain.split(".")
        for start in range(len(labels) - 1):
            found = self._by_domain.get(".".join(labels[start:]))
            if found:
                return found
        return None

    def by_name(self, text: str) -> Organisation | None:
        """The curated organisation a name or alias (as typed, any case or accents) names exactly."""
        found = self._alias(normalise_org_name(text))
        return self._with_settings(found.org) if found else None

    def by_domain(self, domain: str) -> Organisation | None:
        """The curated organisation an e-mail or web domain (or a sub-domain of it) belongs to."""
        found = self._curated_domain(domain.strip().lower())
        return self._with_settings(self._orgs[found]) if found else None

    def family_root(self, org_id: str) -> str:
        """The top of an organisation's family, after what it was renamed to (Google Brain: Alphabet)."""
        org = self._orgs[org_id]
        seen = {org.org_id}
        while org.successor_id and org.successor_id in self._orgs and org.successor_id not in seen:
            org = self._orgs[org.successor_id]
            seen.add(org.org_id)
        return self._root(self._with_settings(org))

    def _root(self, org: Organisation) -> str:
        while org.parent_id and org.parent_id in self._orgs:
            org = self._orgs[org.parent_id]
        return org.org_id

    def _alias(self, key: str) -> OrgMatch | None:
        found = self._by_alias.get(key) or self._by_alias.get(_ai_short(key))
        return OrgMatch(self._orgs[found], "alias", 1.0) if found else None

    def _by_name(self, raw: str, domain: str | None) -> OrgMatch | None:
        whole = normalise_org_name(raw)
        if (whole in _NOT_ORGS or _NO_AFFILIATION.search(whole) or set(whole.split()) <= _GENERIC_ORG_WORDS
                or _FUNDING.search(whole)):
            return None
        match = self._alias(whole) or self._unit_of(whole) or self._run_together(whole)
        if match is not None:
            return match
        # Any comma/bracket piece naming a curated organisation, except bare city names ("Samsung AI Centre,
        # Cambridge"), where the city is an address and not the university.
        # "..., AI Institute, at the Shanghai Jiao Tong University": the piece says where, after "at the".
        pieces = [_AT_THE.sub("", normalise_org_name(p)) for p in _PIECES.split(raw)]
        for i, key in enumerate(pieces):
            # "University of Maryland, Baltimore County" is not the University of Maryland.
            campus_follows = key.endswith(_SYSTEMS) and i + 1 < len(pieces)
            match = match or (self._alias(key) or self._unit_of(key) or self._run_together(key)
                              if key not in _PLACES and key not in _WORD_NAMES and not campus_follows else None)
        # A name with a comma of its own ("..., Agency for Science, Technology and Research, Singapore").
        for first, second in pairwise(pieces):
            match = match or (self._alias(f"{first} {second}") if first and second else None)
        # "KU Leuven and ETH Zurich": two organisations in one slot; the first one is taken.
        for piece in re.split(r" and | und | et ", whole):
            match = match or (self._alias(piece) if piece != whole and piece not in _PLACES | _WORD_NAMES else None)
        inst = _institution_part(raw)
        if match is not None or inst is None:
            return match
        if normalise_org_name(inst.name) in _WORD_NAMES:
            # "Institute for Language, Cognition, and Computation": the word is a piece of the unit's name.
            inst = _Institution(raw.strip(), 0, inst.country)
        key = normalise_org_name(inst.name)
        match = self._alias(key)
        match = match or self._fuzzy(key)
        # Words cut short with a dot ("Huazhong Univ. of Sci. and Tech.", "Rensselaer Polytechnic Inst."): the
        # known organisation they spell out, tried after the name as printed ("Georgia Tech." is Georgia Tech).
        if match is None and (spelt_out := normalise_org_name(_spell_out(inst.name))) != key:
            match = self._alias(spelt_out) or self._fuzzy(spelt_out)
        # A misspelt known organisation beside a unit that names none ("Research Center for Artificial
        # Intelligence, Peng Cheng Laborotory"): the known one, not a new organisation named after the unit.
        # (A piece that is a name exactly was weighed above: "University of Colorado" before a campus is not
        # the Boulder campus's alias misspelt.)
        for piece in pieces:
            near = piece and piece != key and piece not in _PLACES and self._alias(piece) is None
            match = match or (self._fuzzy(piece) if near else None)
        return match or self._new_org(inst, domain)

    def _unit_of(self, key: str) -> OrgMatch | None:
        """A named unit or site of a curated organisation: the organisation ("DeepMind London").

        The longest leading run of words that is an alias counts when what follows only says where the unit
        sits or what kind of unit it is, or opens a department ("... University of Technology Laboratory of
        Computer Science"). A university's name followed by a city is left alone: "Northeastern University
        Shenyang" is not Northeastern University.
        """
        words = key.split()
        for end in range(len(words) - 1, 0, -1):
            found = self._by_alias.get(" ".join(words[:end]))
            if found is None:
                continue
            rest = words[end:]
            org = self._orgs[found]
            opens_unit = " ".join(rest).startswith(_DEPARTMENT_PREFIXES + _SUBUNIT_PREFIXES)
            plain = org.kind != "university" and all(w in _PLACE_WORDS or w in _UNIT_WORDS for w in rest)
            if opens_unit or plain or self._lab_of(org, rest):
                return OrgMatch(org, "alias", 1.0)
            return None
        return None

    def _lab_of(self, org: Organisation, rest: list[str]) -> bool:
        """Whether the words after an organisation's name name a lab of its own: a few words that end in
        "lab" or "group" ("UCLA Vision Lab", "MIT Media Lab"), or in "research" after a company's name
        ("Microsoft Dynamics 365 AI Research"), and name no other known organisation ("MIT-IBM Watson AI
        Lab" is a joint lab, not MIT's)."""
        endings = _LAB_ENDINGS if org.kind == "university" else _LAB_ENDINGS | {"research"}
        if not 2 <= len(rest) <= 4 or rest[-1] not in endings or any(w in _PLACE_WORDS for w in rest):
            return False
        topic = rest[:-1]
        return not any(self._by_alias.get(" ".join(topic[i:j]))
                       for i in range(len(topic)) for j in range(i + 1, len(topic) + 1)
                       if not set(topic[i:j]) <= _UNIT_WORDS)

    def _run_together(self, key: str) -> OrgMatch | None:
        """Two known organisations of different families run into one name by a list that lost the '+'
        ("University of Washington Allen Institute for AI", "Mila Université de Montréal"): the first."""
        words = key.split()
        for end in range(len(words) - 1, 0, -1):
            first = self._by_alias.get(" ".join(words[:end]))
            if first is None:
                continue
            rest = words[end:]
            for stop in range(len(rest), 0, -1):
                second = self._by_alias.get(" ".join(rest[:stop]))
                if second is not None and self._root(self._orgs[second]) != self._root(self._orgs[first]):
                    return OrgMatch(self._orgs[first], "alias", 1.0)
            return None
        return None

    def _fuzzy(self, key: str) -> OrgMatch | None:
        # Sorted: among aliases scoring alike the first wins, and a set's order changes with the hash seed.
        candidates = sorted({alias for token in key.split() if len(token) > 2 and token not in _FUZZY_STOP
                             for handle in (token, "<" + token[:4], token[-4:] + ">")
                             for alias in self._by_token.get(handle, ())})
        if not candidates:
            return None
        # Plain ratio, not WRatio: partial matching would fold "University of California, Irvine" into
        # "University of California, Berkeley".
        for alias, score, _ in process.extract(key, candidates, scorer=fuzz.ratio, score_cutoff=92, limit=3):
            # A high overall ratio can hide one different distinctive word ("Nanjing University of Posts
            # and Telecommunications" vs "Beijing ..."): every distinctive word must have a close twin.
            if _distinctive_words_agree(key, alias):
                return OrgMatch(self._orgs[self._by_alias[alias]], "fuzzy", score / 100)
        return None

    def _new_org(self, inst: _Institution, domain: str | None) -> OrgMatch | None:
        key = _company_key(normalise_org_name(inst.name))
        if not key or key in _NOT_ORGS:
            return None
        # One organisation whether this list spells "AI" out or not: the spelling seen first names it.
        short = _ai_short(key)
        ids = [spelling.replace(" ", "-")[:80] for spelling in (short, _SHORT_AI.sub("artificial intelligence", short))]
        org_id = next((i for i in ids if i in self._orgs), key.replace(" ", "-")[:80])
        org = self._orgs.get(org_id)
        if org is None:
            org = Organisation(org_id=org_id, name=repair_pdf_accents(inst.name.strip()),
                               kind=guess_kind(inst.name, domain),
                               country=_country_of_domain(domain) or inst.country, parent_id=None)
            self._orgs[org_id] = org
        return OrgMatch(org, "name", 1.0)

    def _from_domain_only(self, domain: str) -> OrgMatch | None:
        # A bare domain becomes an organisation only when it is plainly an institution's.
        if is_generic_domain(domain) or not _is_academic_domain(domain):
            return None
        # cs.xyz.edu and xyz.edu are one institution; xyz.edu.cn keeps its country suffix.
        registered = registered_domain(domain)
        org_id = "domain-" + registered
        org = self._orgs.get(org_id)
        if org is None:
            org = Organisation(org_id=org_id, name=registered.split(".")[0].upper(), kind="university",
                               country=_country_of_domain(domain), parent_id=None, domains=(registered,))
            self._orgs[org_id] = org
        return OrgMatch(org, "domain", 1.0)

    def resolve_institution(self, inst: Institution) -> OrgMatch | None:
        """The organisation a source's own institution record names (OpenAlex's, with its ROR id).

        The ROR id decides first (data/organisation_ror.json); then the name, as any affiliation would
        resolve. An organisation new to LabScout takes the source's country and kind rather than guesses.
        """
        org_id = load_ror_ids().get((inst.ror or "").lower())
        if org_id is not None and org_id in self._orgs:
            return OrgMatch(self.get(org_id), "ror", 1.0)
        found = self.resolve(inst.name)
        if found is None or found.org.curated or found.method != "name":
            return found
        kind = _SOURCE_KINDS.get(inst.kind or "", found.org.kind)
        org = replace(found.org, kind=kind, country=inst.country or found.org.country)
        self._orgs[org.org_id] = org
        return OrgMatch(org, "name", 1.0)


_LONG_STOP = tuple(w for w in _FUZZY_STOP if len(w) >= 6)


@lru_cache(maxsize=100_000)
def _is_stop_word(word: str) -> bool:
    # A misspelt common word ("Instutute", "Univeristy") is still a common word, not a distinctive one.
    return word in _FUZZY_STOP or (len(word) >= 6 and any(fuzz.ratio(word, w) >= 80 for w in _LONG_STOP))


def _distinctive_words_agree(a: str, b: str) -> bool:
    # One-letter fragments are extraction debris ("Massachusett.s"), not words.
    words_a = [w for w in a.split() if len(w) > 1 and not _is_stop_word(w)]
    words_b = [w for w in b.split() if len(w) > 1 and not _is_stop_word(w)]

    def covered(xs: list[str], ys: list[str]) -> bool:
        return all(any(fuzz.ratio(x, y) >= 75 for y in ys) for x in xs)

    return bool(words_a) and covered(words_a, words_b) and covered(words_b, words_a)


# What an OpenAlex institution type (ROR's type vocabulary) says an organisation is.
_SOURCE_KINDS: dict[str, OrgKind] = {
    "education": "university", "company": "industry_lab", "government": "government_nonprofit",
    "nonprofit": "government_nonprofit", "facility": "government_nonprofit", "healthcare": "government_nonprofit",
    "archive": "government_nonprofit", "funder": "government_nonprofit",
}


@lru_cache(maxsize=1)
def load_ror_ids() -> dict[str, str]:
    """ROR id -> curated organisation id, from the table shipped with the package (data/organisation_ror.json).

    Kept apart from organisations.json: the ROR ids of an organisation are looked up, never edited with it.
    """
    path = resources.files("labscout.identity").joinpath("data/organisation_ror.json")
    rows = json.loads(path.read_text(encoding="utf-8"))
    return {row["ror"].lower(): row["org_id"] for row in rows}
