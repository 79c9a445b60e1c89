"""Candidates follow their research person through merges, splits and rebuilds.

When a candidate is linked to a person, the mentions that person held are remembered. After any identity
correction or rebuild the candidate is linked to whoever holds most of those mentions now; a change is
written on the candidate's timeline and in the audit log, so the team sees it and can check.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from labscout.pipeline import activities, audit
from labscout.pipeline.db import flush
from labscout.pipeline.identity_models import CandidatePersonLink
from labscout.pipeline.models import Candidate
from labscout.pipeline.roles import Actor
from labscout.research import mentions
from labscout.research.store import ResearchStore

# Enough mentions to find a prolific person again, few enough to keep a link small.
KEPT_MENTIONS = 400


@dataclass(frozen=True, slots=True)
class Relink:
    """Candidate `candidate_id` now points at `new_person_id`; `share` of its remembered mentions are theirs."""

    candidate_id: int
    candidate_name: str
    old_person_id: str
    new_person_id: str
    share: float
    others: tuple[str, ...]  # people holding the rest of the remembered mentions (after a split)


def _linked(session: Session) -> list[Candidate]:
    return list(session.scalars(select(Candidate).where(Candidate.person_id.is_not(None),
                                                        Candidate.erased_at.is_(None))))


def remember_links(session: Session, store: ResearchStore) -> int:
    """Remember the mentions of each linked candidate's person where not yet known; returns how many."""
    links = {link.candidate_id: link for link in session.scalars(select(CandidatePersonLink))}
    wanted = [c for c in _linked(session)
              if c.id not in links or links[c.id].person_id != c.person_id]
    if not wanted:
        return 0
    keys = mentions.mention_keys(store, {c.person_id for c in wanted if c.person_id}, limit=KEPT_MENTIONS)
    made = 0
    for c in wanted:
        found = keys.get(c.person_id or "")
        if not found:
            continue  # a person the store does not hold (any more): nothing to remember
        link = links.get(c.id)
        if link is None:
            session.add(CandidatePersonLink(candidate_id=c.id, person_id=c.person_id, mention_keys=found))
        else:
            link.person_id, link.mention_keys = c.person_id or "", found
        made += 1
    flush(session)
    return made


def follow_people(session: Session, actor: Actor, store: ResearchStore, *, because: str) -> list[Relink]:
    """Re-link each candidate to the person now holding most of its remembered mentions."""
    links = {link.candidate_id: link for link in session.scalars(select(CandidatePersonLink))}
    candidates = {c.id: c for c in _linked(session) if c.id in links}
    if not candidates:
        return []
    holders: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for holder in mentions.holders(store, {cid: links[cid].mention_keys for cid in candidates}):
        holders[holder.candidate_id].append((holder.person_id, holder.n))
    moved = []
    for cid, held in holders.items():
        c, best = candidates[cid], held[0][0]
        if best == c.person_id:
            continue
        total = sum(n for _, n in held)
        relink = Relink(cid, c.name, c.person_id or "", best, held[0][1] / total, tuple(p for p, _ in held[1:]))
        before = audit.snapshot(c)
        c.person_id = best
        links[cid].person_id = best
        flush(session)
        note = f"{because}. {relink.share:.0%} of the papers this candidate was linked with now belong to {best}"
        if relink.others:
            note += f"; the rest to {', '.join(relink.others)}: check which person this candidate is"
        activities.log(session, actor, cid, "link", subject=f"research person {relink.old_person_id} -> {best}",
                       body=note, meta={"old": relink.old_person_id, "new": best, "others": list(relink.others)})
        audit.record(session, actor, "relink", "candidate", cid, before, audit.snapshot(c))
        moved.append(relink)
    flush(session)
    return moved
