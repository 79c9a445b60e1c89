"""Stable person ids: a person keeps their id across rebuilds as long as their mentions do.

Pipeline candidates point at person ids, so an id must survive a rebuild. Each new person takes the id of
the previous person it shares most mentions with, each previous id going to one person at most; a person
with nothing in common with the previous store gets an id derived from what anchors them. Every mention
that ends up under another id than before is recorded as a redirect, so the pipeline can follow it.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

from labscout.identity.constraints import mention_key
from labscout.identity.mentions import MentionRef


@dataclass(frozen=True, slots=True)
class Redirect:
    """`mentions` mentions that belonged to `old_person_id` now belong to `new_person_id`."""

    old_person_id: str
    new_person_id: str
    mentions: int


def person_id_for(anchor: str) -> str:
    """A short id derived from what anchors the person."""
    return "p" + hashlib.blake2b(anchor.encode(), digest_size=5).hexdigest()


def previous_person_ids(store: Path) -> dict[str, str]:
    """Mention key -> person id in the store at `store`; empty when there is none or it cannot be read."""
    if not store.exists():
        return {}
    try:
        con = duckdb.connect(str(store), read_only=True)
    except duckdb.Error:
        return {}
    try:
        rows = con.execute("SELECT paper_id, author_order, person_id FROM authorships").fetchall()
    except duckdb.Error:
        return {}
    finally:
        con.close()
    return {mention_key(paper, order): person for paper, order, person in rows}


def assign_person_ids(members: Mapping[int, Sequence[int]], refs: Sequence[MentionRef],
                      previous: Mapping[str, str]) -> tuple[dict[int, str], list[Redirect]]:
    """A person id per cluster label, reusing previous ids by overlap, and the redirects that follows."""
    keys = [mention_key(ref.record.paper_id, ref.author.order) for ref in refs]
    ids: dict[int, str] = {}
    if previous:
        overlap: Counter[tuple[int, str]] = Counter()
        for label, idx in members.items():
            for i in idx:
                old = previous.get(keys[i])
                if old is not None:
                    overlap[(label, old)] += 1
        kept: set[str] = set()
        for (label, old), _n in sorted(overlap.items(), key=lambda kv: (-kv[1], kv[0][1], kv[0][0])):
            if label not in ids and old not in kept:
                ids[label] = old
                kept.add(old)
    # An id that once named someone is never handed to someone else.
    taken = set(previous.values()) | set(ids.values())
    for label, idx in sorted(members.items(), key=lambda kv: min(kv[1])):
        if label in ids:
            continue
        anchor = _anchor(idx, refs)
        pid = person_id_for(anchor)
        while pid in taken:
            anchor += "'"
            pid = person_id_for(anchor)
        taken.add(pid)
        ids[label] = pid
    return ids, _redirects(members, keys, ids, previous)


def _anchor(idx: Sequence[int], refs: Sequence[MentionRef]) -> str:
    # The person's own id where the sources give one (an OpenReview profile before an ACL Anthology page
    # before an e-mail, each the smallest of its kind), else their name and first paper.
    authors = [refs[i].author for i in idx]
    for namespace in ("openreview", "acl", "email"):
        found = sorted(x for a in authors if (x := a.id_in(namespace)))
        if found:
            return found[0]
    first = min((refs[i].record.paper_id, refs[i].author.order) for i in idx)
    return f"{authors[0].name.casefold()}|{first[0]}|{first[1]}"


def _redirects(members: Mapping[int, Sequence[int]], keys: Sequence[str], ids: Mapping[int, str],
               previous: Mapping[str, str]) -> list[Redirect]:
    if not previous:
        return []
    moved: Counter[tuple[str, str]] = Counter()
    for label, idx in members.items():
        new = ids[label]
        for i in idx:
            old = previous.get(keys[i])
            if old is not None and old != new:
                moved[(old, new)] += 1
    return [Redirect(old, new, n) for (old, new), n in sorted(moved.items())]
