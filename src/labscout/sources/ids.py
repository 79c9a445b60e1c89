"""Author ids by namespace: which ids join mentions, and which tell two people apart.

Every id a source gives is written `namespace:value` ("openreview:~Sergey_Levine1", "acl:/l/luke-zettlemoyer/",
"email:svlevine@eecs.berkeley.edu", "dblp:36/7024-1"). The same id joins mentions within its namespace (names
permitting: see `cluster`). Ids of different namespaces never conflict: a person holds any number of them. Two
different ids of one namespace are evidence of two people, as strong as the namespace says:

* `hard`: never one person (dblp and ORCID pages are curated and disambiguated);
* `soft`: two people unless the evidence is overwhelming (a shared profile link, many shared co-authors),
  because people hold two OpenReview profiles, Semantic Scholar pages or ACL Anthology pages;
* e-mail addresses conflict softly only within one registrable domain: two addresses at one institution are
  likely two people there, while an address at another domain is what a person who moved prints;
* `none`: no evidence either way (an OpenAlex author cluster is a guess of OpenAlex's own, so it neither joins
  nor separates by itself).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Exclusivity = Literal["hard", "soft", "none"]


@dataclass(frozen=True, slots=True)
class Namespace:
    """One kind of author id and what two ids of it say."""

    key: str
    label: str
    # The same id on two mentions is one person (when their names can be one person's).
    joins: bool
    exclusive: Exclusivity
    # The person keeps this id themselves, so the names it carries are their own (a renamed author keeps it):
    # an id join accepts a surname or given name change under it, where an e-mail join does not.
    curated: bool


NAMESPACES: dict[str, Namespace] = {ns.key: ns for ns in (
    Namespace("openreview", "OpenReview profile", joins=True, exclusive="soft", curated=True),
    # The Anthology is curated, yet keeps one person's two pages ('/e/eduard-hovy/', '/e/eduard-h-hovy/').
    Namespace("acl", "ACL Anthology author", joins=True, exclusive="soft", curated=True),
    Namespace("email", "e-mail address", joins=True, exclusive="soft", curated=False),
    Namespace("orcid", "ORCID", joins=True, exclusive="hard", curated=True),
    Namespace("dblp", "dblp person page", joins=True, exclusive="hard", curated=True),
    Namespace("scholar", "Google Scholar profile", joins=True, exclusive="soft", curated=True),
    Namespace("s2", "Semantic Scholar author", joins=True, exclusive="soft", curated=True),
    Namespace("openalex", "OpenAlex author", joins=False, exclusive="none", curated=False),
    # Used by `labscout eval identity` only: OpenReview ids re-issued under another name, as a source with
    # ids of its own (ACL ids, e-mails) looks to the resolver.
    Namespace("heldout", "evaluation id", joins=True, exclusive="soft", curated=True),
)}


class UnknownIdError(ValueError):
    """An id whose namespace LabScout does not know."""


def make_id(namespace: str, value: str) -> str:
    """The namespaced form of an id."""
    if namespace not in NAMESPACES:
        raise UnknownIdError(f"unknown id namespace {namespace!r} (known: {', '.join(sorted(NAMESPACES))})")
    return f"{namespace}:{value}"


def split_id(author_id: str) -> tuple[Namespace, str]:
    """The namespace and the value of a namespaced id."""
    key, _, value = author_id.partition(":")
    found = NAMESPACES.get(key)
    if found is None or not value:
        raise UnknownIdError(f"not a namespaced author id: {author_id!r}")
    return found, value


def namespace_of(author_id: str) -> Namespace:
    return split_id(author_id)[0]


def conflict_bucket(author_id: str) -> tuple[str, str] | None:
    """Ids in one bucket tell people apart (as strongly as their namespace says); None: this id never does.

    E-mails are bucketed by registrable domain ('eecs.berkeley.edu' and 'cs.berkeley.edu' are one), so an
    address at another institution is no evidence of another person.
    """
    ns, value = split_id(author_id)
    if ns.exclusive == "none":
        return None
    if ns.key == "email":
        return ns.key, registrable_domain(value.rpartition("@")[2])
    return ns.key, ""


def join_key(author_id: str) -> str:
    """What two ids must share to be one id: the id itself, but an e-mail by its mailbox at its institution.

    'pabbeel@eecs.berkeley.edu' and 'pabbeel@cs.berkeley.edu' are one mailbox behind two department host names
    (Pieter Abbeel prints both); local parts are matched without case, as mail servers do in practice.
    """
    key, _, value = author_id.partition(":")
    if key != "email":
        return author_id
    local, _, domain = value.rpartition("@")
    return f"email:{local.casefold()}@{registrable_domain(domain)}"


# Second-level labels under which institutions register (ox.ac.uk, tsinghua.edu.cn, unimelb.edu.au).
_SECOND_LEVEL = frozenset({"ac", "co", "com", "edu", "gov", "net", "org", "or", "ne", "go"})


def registrable_domain(domain: str) -> str:
    """The part of a host name an institution registers: 'eecs.berkeley.edu' -> 'berkeley.edu'."""
    labels = [label for label in domain.lower().strip(".").split(".") if label]
    if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL and len(labels[-1]) == 2:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


_SCHOLAR_USER = re.compile(r"(?:^|[?&])user=([\w-]{12})(?:&|$)")
_SCHOLAR_BARE = re.compile(r"^[\w-]{12}$")
_DBLP_PATH = re.compile(r"^(?:[a-z0-9]|\d+)/[\w:.'-]+$")
_ORCID = re.compile(r"(\d{4}-\d{4}-\d{4}-\d{3}[\dx])")


def profile_link_ids(links: dict[str, str]) -> list[str]:
    """Namespaced ids from the profile links a source prints per author (dblp, Google Scholar, ORCID).

    Generic pages (a Scholar search URL with no user, a dblp search) name nobody and are left out: OpenReview
    exports carry hundreds of authors with the same "https://scholar.google.com/citations?hl=en".
    """
    found: list[str] = []
    dblp = links.get("dblp", "").strip().lower()
    dblp = re.sub(r"^https?://[^/]+/", "", dblp)
    dblp = re.sub(r"^(?:pid/|pers/(?:hd/)?)", "", dblp).removesuffix(".html").strip("/")
    if dblp and "?" not in dblp and _DBLP_PATH.match(dblp):
        found.append(make_id("dblp", dblp))
    scholar = links.get("google_scholar", "").strip()
    user = _SCHOLAR_USER.search(scholar)
    if user:
        found.append(make_id("scholar", user.group(1).lower()))
    elif _SCHOLAR_BARE.match(scholar):
        found.append(make_id("scholar", scholar.lower()))
    orcid = _ORCID.search(links.get("orcid", "").lower())
    if orcid:
        found.append(make_id("orcid", orcid.group(1)))
    return found
