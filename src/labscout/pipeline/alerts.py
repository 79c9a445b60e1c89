"""Alerts: what is new about the people a team watches, raised after each build of the research store.

After every ingest or refresh, each watch compares what the new store shows with what it knew (its
WatchState) and alerts on what is new:

* a new organisation for a watched person or a candidate, where they are now (seen at it in their newest
  year or the one before, and no earlier than their last known organisation: a move, not an old paper found
  late), with the papers and the sources that say so;
* a new co-author at an organisation the team marks as a rival (for watched people, candidates and the
  people of our own organisation);
* a new oral or spotlight;
* a new entrant in a saved search's top 20;
* for our own organisation's people, a rising retention risk (more of their closest co-authors have left).

A watch made now starts from what the store shows now, so only later news alerts; one alert per fact and
user, however many builds see it again. Alerts about candidates go to the candidate's owner (the team when
nobody owns them), about our organisation to the team; viewers get those about their own watches and searches.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from labscout.errors import InvalidError, NotFoundError
from labscout.pipeline.db import flush
from labscout.pipeline.models import Candidate, User, utcnow
from labscout.pipeline.roles import Actor, Perm, Role, has
from labscout.pipeline.watch_models import Alert, MarkedOrganisation, SavedSearch, WatchedPerson, WatchState
from labscout.research import careers, mentions, provenance, queries, watching
from labscout.research.store import ResearchStore
from labscout.talent import moves, search
from labscout.talent.index import TalentIndex

TOP = 20
# A retention risk alerts from this share of closest co-authors gone, when it rose by at least RISK_STEP.
RISK_FLOOR = 0.25
RISK_STEP = 0.1
KINDS = {
    "new_organisation": "New organisation",
    "rival_coauthor": "Co-author at a rival",
    "highlight": "New oral or spotlight",
    "top_entrant": "New in a saved search's top 20",
    "retention_risk": "Rising retention risk",
}
# Kinds about the team's pipeline or organisation: not for a viewer's inbox.
_TEAM_KINDS = ("retention_risk",)


@dataclass(frozen=True, slots=True)
class AlertOut:
    id: int
    kind: str
    title: str
    detail: str | None
    person_id: str | None
    candidate_id: int | None
    saved_search_id: int | None
    evidence: dict[str, Any]
    created_at: datetime
    seen_at: datetime | None


@dataclass(slots=True)
class CheckReport:
    """What one check after a build did."""

    subjects: int = 0
    started: int = 0
    alerts: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _New:
    kind: str
    title: str
    detail: str
    fingerprint: str
    person_id: str | None = None
    evidence: dict[str, Any] = field(default_factory=dict)


def filters_of(stored: dict[str, Any]) -> search.SearchFilters:
    """The search filters a saved search keeps, as the search takes them."""
    known = {f.name for f in fields(search.SearchFilters)}
    return search.SearchFilters(**{k: v for k, v in stored.items() if k in known})


# -- facts a watch remembers ------------------------------------------------------------------------------

def _rivals(session: Session, store: ResearchStore) -> dict[str, str]:
    """Every organisation under a rival the team marks -> the rival's name."""
    found: dict[str, str] = {}
    for mark in session.scalars(select(MarkedOrganisation).where(MarkedOrganisation.relation == "rival")):
        for org_id in careers.org_family(store, mark.org_id):
            found.setdefault(org_id, mark.name)
    return found


def person_facts(store: ResearchStore, person_id: str, rivals: dict[str, str]) -> dict[str, Any]:
    """What a watch of one person remembers: organisations (years), orals and spotlights, rival co-authorships."""
    return {
        "person_id": person_id,
        "orgs": {s.org_id: [s.first_year, s.last_year] for s in watching.seen_at(store, person_id)},
        "highlights": sorted(h.paper_id for h in watching.highlights(store, person_id)),
        "rival": sorted({f"{c.paper_id}#{c.coauthor_slot}" for c in watching.coauthors_at(store, [person_id], rivals)}),
    }


def _ours_facts(store: ResearchStore, org_id: str, rivals: dict[str, str]) -> dict[str, Any]:
    retention = moves.retention(store, org_id, top=100_000)
    members = careers.current_members(store, careers.org_family(store, org_id), seen_since=0)
    ties = watching.coauthors_at(store, [m.person_id for m in members], rivals)
    return {"risk": {a.person_id: round(a.risk, 3) for a in retention.at_risk},
            "rival": sorted({f"{c.paper_id}#{c.coauthor_slot}" for c in ties})}


def _known_facts(session: Session, subject: str) -> dict[str, Any] | None:
    """What the watch knew (a copy: the row is about to be given the new facts), None for a new watch."""
    row = session.get(WatchState, subject)
    return dict(row.facts) if row is not None else None


def _remember(session: Session, subject: str, facts: dict[str, Any]) -> None:
    row = session.get(WatchState, subject)
    if row is None:
        session.add(WatchState(subject=subject, facts=facts))
    else:
        row.facts = facts
        row.updated_at = utcnow()


def start_watch(session: Session, store: ResearchStore, watch: WatchedPerson) -> None:
    """A new watch starts from what the store shows about the person now."""
    _remember(session, f"person:{watch.id}", person_facts(store, watch.person_id, _rivals(session, store)))
    flush(session)


def start_ours(session: Session, store: ResearchStore, org_id: str) -> None:
    """Our organisation's watch starts from the risks and rival ties the store shows now."""
    _remember(session, f"ours:{org_id}", _ours_facts(store, org_id, _rivals(session, store)))
    flush(session)


def start_candidates(session: Session, store: ResearchStore) -> int:
    """Candidates linked to a person whose watch has not started: they start from `store` (the store a build
    is about to replace), so that the build's news about them alerts. Returns how many started."""
    rivals: dict[str, str] | None = None
    started = 0
    for c in session.scalars(select(Candidate).where(Candidate.person_id.is_not(None), Candidate.erased_at.is_(None))):
        subject = f"candidate:{c.id}"
        if c.person_id is None or session.get(WatchState, subject) is not None \
                or not queries.person_exists(store, c.person_id):
            continue
        rivals = _rivals(session, store) if rivals is None else rivals
        _remember(session, subject, person_facts(store, c.person_id, rivals))
        started += 1
    flush(session)
    return started


def forget(session: Session, subject: str) -> None:
    row = session.get(WatchState, subject)
    if row is not None:
        session.delete(row)


# -- checking after a build -------------------------------------------------------------------------------

def follow_watched(session: Session, store: ResearchStore) -> int:
    """Point each watch at the person now holding most of the mentions it remembers; returns how many moved."""
    watches = {w.id: w for w in session.scalars(select(WatchedPerson))}
    if not watches:
        return 0
    best: dict[int, str] = {}
    for holder in mentions.holders(store, {w.id: w.mention_keys for w in watches.values() if w.mention_keys}):
        best.setdefault(holder.candidate_id, holder.person_id)
    moved = 0
    for watch_id, person_id in best.items():
        watch = watches[watch_id]
        if watch.person_id != person_id:
            watch.person_id, moved = person_id, moved + 1
        # The person may hold more mentions now (a new source): remember those too.
        watch.mention_keys = mentions.mention_keys(store, [person_id], limit=400).get(person_id, watch.mention_keys)
    flush(session)
    return moved


def check_after_build(session: Session, store: ResearchStore, talent: Callable[[], TalentIndex],
                      ) -> CheckReport:
    """Compare every watch with the store just built, raise the alerts, remember what is known now."""
    report = CheckReport()
    follow_watched(session, store)
    rivals = _rivals(session, store)
    team = _pipeline_users(session)
    for watch in list(session.scalars(select(WatchedPerson).order_by(WatchedPerson.id))):
        if queries.person_exists(store, watch.person_id):
            _check_person(session, store, f"person:{watch.id}", watch.person_id, rivals, [watch.user_id], report)
    for c in list(session.scalars(select(Candidate).where(Candidate.person_id.is_not(None),
                                                          Candidate.erased_at.is_(None)).order_by(Candidate.id))):
        if c.person_id and queries.person_exists(store, c.person_id):
            owner = [c.owner_id] if c.owner_id in team else team
            _check_person(session, store, f"candidate:{c.id}", c.person_id, rivals, owner, report, candidate=c.id)
    for mark in list(session.scalars(select(MarkedOrganisation).where(MarkedOrganisation.relation == "ours"))):
        _check_ours(session, store, mark, rivals, team, report)
    searches = list(session.scalars(select(SavedSearch).order_by(SavedSearch.id)))
    if searches:
        index = talent()
        for saved in searches:
            _check_search(session, store, index, saved, report)
    flush(session)
    return report


def _pipeline_users(session: Session) -> list[int]:
    users = session.scalars(select(User).where(User.active.is_(True)).order_by(User.id))
    return [u.id for u in users if has(Actor(u.id, u.name, Role(u.role)), Perm.VIEW_PIPELINE)]


def _check_person(session: Session, store: ResearchStore, subject: str, person_id: str, rivals: dict[str, str],
                  users: Iterable[int], report: CheckReport, *, candidate: int | None = None) -> None:
    report.subjects += 1
    now = person_facts(store, person_id, rivals)
    before = _known_facts(session, subject)
    _remember(session, subject, now)
    if before is None:
        report.started += 1  # a watch's first look: the start, not news
        return
    name = queries.person_match(store, person_id).name
    news = _person_news(store, person_id, name, before, rivals)
    _raise(session, news, users, report, candidate=candidate)


def _person_news(store: ResearchStore, person_id: str, name: str, before: dict[str, Any],
                 rivals: dict[str, str]) -> list[_New]:
    news: list[_New] = []
    known = before.get("orgs", {})
    latest = max((years[1] for years in known.values()), default=0)
    places = watching.seen_at(store, person_id)
    newest = max((seen.last_year for seen in places), default=0)
    for seen in places:
        # Where they are now (their newest year, or the one before): a move. An organisation between the last
        # one known and now, found late, is history, not news.
        if seen.org_id in known or seen.last_year < max(latest, newest - 1):
            continue
        says = ", ".join(provenance.source_name(s) for s in seen.sources) or "the sources"
        news.append(_New(
            "new_organisation", f"{name}: {seen.org} ({seen.last_year})",
            f"{name} is seen at {seen.org} in {_years(seen.first_year, seen.last_year)}, on {len(seen.paper_ids)} "
            f"paper(s); {says} say(s) so. Known before: {_known(store, known)}.",
            f"new_organisation:{person_id}:{seen.org_id}", person_id,
            {"org_id": seen.org_id, "papers": seen.paper_ids[:10], "sources": seen.sources,
             "years": [seen.first_year, seen.last_year]}))
    old_highlights = set(before.get("highlights", []))
    for h in watching.highlights(store, person_id):
        if h.paper_id not in old_highlights:
            news.append(_New("highlight", f"{name}: {h.presentation} at {h.venue} {h.year}",
                             f"{h.title} ({h.venue} {h.year}, {h.presentation})",
                             f"highlight:{h.paper_id}", person_id,
                             {"papers": [h.paper_id], "sources": h.sources}))
    news += _rival_news(watching.coauthors_at(store, [person_id], rivals), {person_id: name},
                        set(before.get("rival", [])), rivals)
    return news


def _rival_news(ties: list[watching.Coauthorship], names: dict[str, str], known: set[str],
                rivals: dict[str, str]) -> list[_New]:
    news = []
    for c in ties:
        key = f"{c.paper_id}#{c.coauthor_slot}"
        if key in known:
            continue
        where = c.org if rivals[c.org_id] == c.org else f"{c.org}, part of {rivals[c.org_id]}"
        news.append(_New("rival_coauthor", f"{names[c.person_id]} wrote with {c.coauthor} ({where})",
                         f"{c.title} ({c.year}) with {c.coauthor} of {c.org}, marked a rival.",
                         f"rival_coauthor:{c.person_id}:{key}", c.person_id,
                         {"papers": [c.paper_id], "coauthor_id": c.coauthor_id, "org_id": c.org_id}))
    return news


def _check_ours(session: Session, store: ResearchStore, mark: MarkedOrganisation, rivals: dict[str, str],
                team: list[int], report: CheckReport) -> None:
    report.subjects += 1
    subject = f"ours:{mark.org_id}"
    try:
        now = _ours_facts(store, mark.org_id, rivals)
    except NotFoundError:
        report.notes.append(f"{mark.name} ({mark.org_id}) is not in the store any more: nothing checked")
        return
    before = _known_facts(session, subject)
    _remember(session, subject, now)
    if before is None:
        report.started += 1
        return
    old_risk = before.get("risk", {})
    carried = watching.followed_ids(store, old_risk)
    previous = {carried[k]: v for k, v in old_risk.items() if k in carried}
    retention = {a.person_id: a for a in moves.retention(store, mark.org_id, top=100_000).at_risk}
    news = []
    for pid, risk in now["risk"].items():
        was = previous.get(pid, 0.0)
        if risk >= RISK_FLOOR and risk >= was + RISK_STEP:
            at = retention[pid]
            news.append(_New("retention_risk", f"{at.name} ({mark.name}): retention risk {risk:.0%} (was {was:.0%})",
                             "Closest co-authors who left: " + "; ".join(at.departed_coauthors),
                             f"retention_risk:{pid}:{round(risk, 2)}", pid,
                             {"departed": at.departed_coauthors, "risk": risk, "was": was}))
    members = careers.current_members(store, careers.org_family(store, mark.org_id), seen_since=0)
    names = {m.person_id: f"{m.name} ({mark.name})" for m in members}
    news += _rival_news(watching.coauthors_at(store, list(names), rivals), names,
                        set(before.get("rival", [])), rivals)
    _raise(session, news, team, report)


def _check_search(session: Session, store: ResearchStore, index: TalentIndex, saved: SavedSearch,
                  report: CheckReport) -> None:
    report.subjects += 1
    try:
        hits = search.find_experts(store, index, saved.query, top=TOP, filters=filters_of(saved.filters or {}))
    except (InvalidError, NotFoundError) as exc:
        report.notes.append(f"saved search {saved.name!r} of user {saved.user_id} no longer runs: {exc}")
        return
    carried = set(watching.followed_ids(store, saved.top or []).values())
    news = [_New("top_entrant", f"New in the top {TOP} of {saved.name!r}: {h.name} (#{h.rank})",
                 f"{h.name} ({h.org or 'organisation not known'}) ranks #{h.rank} for {saved.query!r}; on-topic "
                 f"papers: {'; '.join(f'{e.title} ({e.venue} {e.year})' for e in h.evidence[:3])}.",
                 f"top_entrant:{saved.id}:{h.person_id}", h.person_id,
                 {"papers": [e.paper_id for e in h.evidence], "rank": h.rank, "score": h.score})
            for h in hits if h.person_id not in carried]
    saved.top, saved.top_names = [h.person_id for h in hits], {h.person_id: h.name for h in hits}
    saved.checked_at = utcnow()
    _raise(session, news, [saved.user_id], report, saved_search=saved.id)


def _raise(session: Session, news: list[_New], users: Iterable[int], report: CheckReport, *,
           candidate: int | None = None, saved_search: int | None = None) -> None:
    for user_id in dict.fromkeys(users):
        for item in news:
            if session.scalar(select(Alert.id).where(Alert.user_id == user_id,
                                                     Alert.fingerprint == item.fingerprint[:300])):
                continue
            session.add(Alert(user_id=user_id, kind=item.kind, title=item.title[:400], detail=item.detail,
                              person_id=item.person_id, candidate_id=candidate, saved_search_id=saved_search,
                              evidence=item.evidence, fingerprint=item.fingerprint[:300]))
            report.alerts += 1
            report.by_kind[item.kind] = report.by_kind.get(item.kind, 0) + 1
    flush(session)


def _years(first: int, last: int) -> str:
    return str(first) if first == last else f"{first}-{last}"


def _known(store: ResearchStore, orgs: dict[str, Any]) -> str:
    if not orgs:
        return "no organisation"
    latest = sorted(orgs.items(), key=lambda kv: -kv[1][1])[:3]
    names = {}
    for org_id, _ in latest:
        try:
            names[org_id] = queries.get_org(store, org_id).name
        except NotFoundError:
            names[org_id] = org_id
    return "; ".join(f"{names[o]} (last {years[1]})" for o, years in latest)


# -- the inbox --------------------------------------------------------------------------------------------

def _visible(actor: Actor) -> Any:
    query = select(Alert).where(Alert.user_id == actor.user_id)
    if not has(actor, Perm.VIEW_PIPELINE):
        query = query.where(Alert.candidate_id.is_(None), Alert.kind.not_in(_TEAM_KINDS))
    else:
        query = query.outerjoin(Candidate, Candidate.id == Alert.candidate_id).where(Candidate.erased_at.is_(None))
    return query


def _out(a: Alert) -> AlertOut:
    return AlertOut(a.id, a.kind, a.title, a.detail, a.person_id, a.candidate_id, a.saved_search_id,
                    dict(a.evidence or {}), a.created_at, a.seen_at)


def inbox(session: Session, actor: Actor, *, limit: int = 50, offset: int = 0, mark_seen: bool = True,
          unread_only: bool = False) -> list[AlertOut]:
    """The actor's alerts, unread first then newest; reading a page marks its alerts read."""
    query = _visible(actor)
    if unread_only:
        query = query.where(Alert.seen_at.is_(None))
    rows = list(session.scalars(query.order_by(Alert.seen_at.is_not(None), Alert.created_at.desc(),
                                               Alert.id.desc()).offset(offset).limit(limit)))
    found = [_out(a) for a in rows]
    if mark_seen:
        now = utcnow()
        for a in rows:
            if a.seen_at is None:
                a.seen_at = now
        flush(session)
    return found


def unread_alerts(session: Session, actor: Actor) -> int:
    """How many of the actor's alerts they have not read."""
    query = _visible(actor).where(Alert.seen_at.is_(None))
    return session.scalar(select(func.count()).select_from(query.subquery())) or 0


def not_emailed(session: Session, actor: Actor, *, limit: int = 50) -> list[AlertOut]:
    """The actor's unread alerts not yet sent in a digest, newest first."""
    query = _visible(actor).where(Alert.seen_at.is_(None), Alert.emailed_at.is_(None))
    return [_out(a) for a in session.scalars(query.order_by(Alert.created_at.desc(), Alert.id.desc()).limit(limit))]


def mark_emailed(session: Session, alert_ids: Iterable[int], when: datetime) -> None:
    for alert_id in alert_ids:
        row = session.get(Alert, alert_id)
        if row is not None:
            row.emailed_at = when
    flush(session)
