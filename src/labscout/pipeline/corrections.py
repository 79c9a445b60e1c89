"""Identity corrections: kept as user data in the pipeline store, applied to the research store at once.

A correction is planned against the research store (which mentions do the named people hold now), stored
with who, when and why, and applied by patching the store under its lock, so the user who made it sees it in
the next second; every later build applies it again as a hard constraint. Candidates follow their person
through merges and splits (`linking.follow_people`).

Two stores change, so the order of the commits is what keeps them agreeing (the interface hands in a
`UnitOfWork` and each step commits on its own): (1) the correction is committed, marked `patch_pending`;
(2) the research store is patched (swapped in whole, or not at all); (3) in another transaction the
correction is marked done and the candidates follow their people. A stop between (1) and (3) leaves a
pending correction, which `recover` finishes before anything else touches the store (every correction
command and the app's start call it); a rebuild applies every correction anyway. A patch that fails for a
reason (the store changed) marks the correction failed, so no build applies what the user was told failed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from labscout.errors import ConflictError, LabScoutError, NotFoundError
from labscout.identity.constraints import (
    AnyCorrection,
    Corrections,
    OrgSettings,
    PersonCorrection,
    StaleCorrection,
    collect,
    from_payload,
    to_payload,
)
from labscout.identity.orgs import OrgResolver
from labscout.kit.text import is_digits
from labscout.pipeline import audit, linking
from labscout.pipeline.db import UnitOfWork, flush
from labscout.pipeline.identity_models import IdentityCorrection
from labscout.pipeline.models import utcnow
from labscout.pipeline.roles import Actor, Perm, Role, require
from labscout.research import build, patch, queries
from labscout.research import corrections as planning
from labscout.research.store import ResearchStore

# Whoever may edit candidates may say who a person is: the recruiters are the ones who meet the errors.
CORRECT = Perm.EDIT_CANDIDATES


@dataclass(frozen=True, slots=True)
class CorrectionOut:
    id: int
    kind: str
    summary: str
    reason: str | None
    created_by: str
    created_at: datetime
    status: str
    reverted_at: datetime | None
    reverted_by: str | None
    revert_reason: str | None
    stale_reason: str | None
    # What happened right now: applied to the research store, or why it waits for the next ingest.
    note: str = ""
    relinked: list[linking.Relink] = field(default_factory=list)


def _out(row: IdentityCorrection, note: str = "", relinked: list[linking.Relink] | None = None) -> CorrectionOut:
    return CorrectionOut(row.id, row.kind, row.summary, row.reason, row.created_by_name, row.created_at, row.status,
                         row.reverted_at, row.reverted_by_name, row.revert_reason, row.stale_reason, note,
                         relinked or [])


Plan = Callable[[ResearchStore, str], tuple[AnyCorrection, str, dict[str, Any]]]


def _correct(units: UnitOfWork, actor: Actor, store_path: Path, kind: str, plan: Plan,
             reason: str | None) -> CorrectionOut:
    require(actor, CORRECT)
    with patch.store_lock(store_path):
        _recover(units, store_path)
        with units() as session:  # (1) recorded first, marked pending
            row = IdentityCorrection(kind=kind, summary="", payload={}, reason=(reason or "").strip() or None,
                                     created_by=actor.user_id, created_by_name=actor.name, status="active",
                                     patch_pending=True)
            session.add(row)
            flush(session)
            with ResearchStore(store_path) as store:
                linking.remember_links(session, store)
                planned, summary, extra = plan(store, f"c{row.id}")
            row.payload = {**to_payload(planned), **extra}
            row.summary = summary
            flush(session)
            audit.record(session, actor, "create", "identity_correction", row.id, None, audit.snapshot(row))
        try:  # (2) the store, whole or not at all
            result = patch.apply_corrections(store_path, [planned])
        except LabScoutError as exc:
            with units() as session:
                _failed(session, actor, row.id, str(exc))
            raise
        with units() as session:  # (3) done; candidates follow their people
            done, relinked = _finish(session, actor, store_path, row.id, f"correction {row.id}: {summary}")
    return _out(done, f"applied to the research store in {result.seconds:.2f} s", relinked)


def _finish(session: Session, actor: Actor, store_path: Path, correction_id: int, because: str,
            ) -> tuple[IdentityCorrection, list[linking.Relink]]:
    row = get_correction(session, correction_id)
    row.patch_pending = False
    flush(session)
    with ResearchStore(store_path) as store:
        relinked = linking.follow_people(session, actor, store, because=because)
    return row, relinked


def _failed(session: Session, actor: Actor, correction_id: int, why: str) -> None:
    row = get_correction(session, correction_id)
    before = audit.snapshot(row)
    row.status, row.patch_pending, row.stale_reason = "failed", False, f"not applied: {why}"
    flush(session)
    audit.record(session, actor, "fail", "identity_correction", row.id, before, audit.snapshot(row))


# Recovery is the system finishing what a stopped command began: its relinks are signed so.
RECOVERY_ACTOR = Actor(user_id=None, name="correction recovery", role=Role.EXECUTIVE)


def recover(units: UnitOfWork, store_path: Path) -> list[int]:
    """Finish every correction whose store patch did not complete (a stop between its commits); their ids."""
    if not store_path.exists():
        return []
    with patch.store_lock(store_path):
        return _recover(units, store_path)


def _recover(units: UnitOfWork, store_path: Path) -> list[int]:
    with units() as session:
        pending = [(row.id, row.status == "reverted", row.summary) for row in session.scalars(
            select(IdentityCorrection).where(IdentityCorrection.patch_pending.is_(True))
            .order_by(IdentityCorrection.id))]
    for correction_id, reverted, summary in pending:
        with units() as session:
            row = get_correction(session, correction_id)
            change = _inverse(session, row) if reverted else from_payload(f"c{row.id}", row.payload)
        # A conflict: the patch had finished before the stop (one person already), or the store moved on since;
        # a rebuild applies the active corrections in any case.
        with suppress(ConflictError):
            patch.apply_corrections(store_path, [change])
        with units() as session:
            _finish(session, RECOVERY_ACTOR, store_path, correction_id,
                    f"correction {correction_id} {'reverted' if reverted else 'applied'} on recovery: {summary}")
    return [cid for cid, _, _ in pending]


def merge_people(units: UnitOfWork, actor: Actor, store_path: Path, first: str, second: str, *,
                 reason: str | None = None) -> CorrectionOut:
    """Record and apply: `first` and `second` are one person."""
    def plan(store: ResearchStore, cid: str) -> tuple[AnyCorrection, str, dict[str, Any]]:
        merged = planning.plan_merge(store, cid, first, second)
        a, b = (queries.resolve_person(store, ref, field=name) for ref, name in ((first, "first"), (second, "second")))
        parts = [sorted(planning.person_keys(store, a)), sorted(planning.person_keys(store, b))]
        return merged, f"merge {_who(store, a)} and {_who(store, b)}", {"parts": parts, "people": [a, b]}
    return _correct(units, actor, store_path, "person_merge", plan, reason)


def split_person(units: UnitOfWork, actor: Actor, store_path: Path, person: str, *, papers: Sequence[str] = (),
                 name_variant: str | None = None, org: str | None = None, years: tuple[int, int] | None = None,
                 reason: str | None = None) -> CorrectionOut:
    """Record and apply: the chosen papers of `person` are somebody else's."""
    def plan(store: ResearchStore, cid: str) -> tuple[AnyCorrection, str, dict[str, Any]]:
        pid = queries.resolve_person(store, person)
        split = planning.plan_split(store, cid, pid, papers=papers, name_variant=name_variant, org=org,
                                    years=years)
        what = ", ".join(x for x in (
            f"{len(split.together)} paper(s)" if papers else "", f"written {name_variant!r}" if name_variant else "",
            f"at {org}" if org else "", f"in {years[0]}-{years[1]}" if years else "") if x)
        return split, f"split {what} off {_who(store, pid)}", {"people": [pid]}
    return _correct(units, actor, store_path, "person_split", plan, reason)


def alias_org(units: UnitOfWork, actor: Actor, store_path: Path, raw: str, org: str, *,
              reason: str | None = None) -> CorrectionOut:
    """Record and apply: the affiliation string `raw` names organisation `org`."""
    def plan(store: ResearchStore, cid: str) -> tuple[AnyCorrection, str, dict[str, Any]]:
        alias = planning.plan_org_alias(store, cid, raw, org)
        return alias, f"affiliation {raw!r} is {alias.org_name} ({alias.org_id})", {}
    return _correct(units, actor, store_path, "org_alias", plan, reason)


def set_org(units: UnitOfWork, actor: Actor, store_path: Path, org: str, *, parent: str | None = None,
            kind: str | None = None, country: str | None = None, reason: str | None = None) -> CorrectionOut:
    """Record and apply: new parent, kind or country of an organisation."""
    def plan(store: ResearchStore, cid: str) -> tuple[AnyCorrection, str, dict[str, Any]]:
        setting = planning.plan_org_settings(store, cid, org, parent=parent, kind=kind, country=country)
        org_now = queries.get_org(store, setting.org_id)
        before = {"parent_id": org_now.parent_id, "kind": org_now.kind, "country": org_now.country}
        changes = ", ".join(f"{k} {v}" for k, v in (("parent", setting.parent_id), ("kind", setting.kind),
                                                    ("country", setting.country)) if v)
        return setting, f"set {setting.org_id}: {changes}", {"before": before}
    return _correct(units, actor, store_path, "org_settings", plan, reason)


def _who(store: ResearchStore, person_id: str) -> str:
    try:
        found = queries.person_match(store, person_id)
    except NotFoundError:
        return person_id
    return f"{found.name} ({person_id}, {found.n_papers} papers)"


def get_correction(session: Session, correction_id: int) -> IdentityCorrection:
    found = session.get(IdentityCorrection, correction_id)
    if found is None:
        raise NotFoundError(f"no identity correction {correction_id}")
    return found


def list_corrections(session: Session, actor: Actor, *, status: str | None = None) -> list[CorrectionOut]:
    """Every correction, newest first, with whether it still applies in full."""
    require(actor, Perm.VIEW_PIPELINE)
    query = select(IdentityCorrection).order_by(IdentityCorrection.id.desc())
    if status is not None:
        query = query.where(IdentityCorrection.status == status)
    return [_out(row) for row in session.scalars(query)]


def revert_correction(units: UnitOfWork, actor: Actor, store_path: Path, correction_id: int, *,
                      reason: str | None = None) -> CorrectionOut:
    """Take a correction back: never again applied, and undone in the research store now where it can be.

    The same order as a correction: the revert commits first (pending), then the store is patched, then the
    candidates follow in their own transaction.
    """
    require(actor, CORRECT)
    if not store_path.exists():
        with units() as session:
            row = _mark_reverted(session, actor, correction_id, reason, pending=False)
        return _out(row, "reverted; the next ingest no longer applies it")
    with patch.store_lock(store_path):
        _recover(units, store_path)
        with units() as session:
            row = _mark_reverted(session, actor, correction_id, reason, pending=True)
            inverse = _inverse(session, row)
            with ResearchStore(store_path) as store:
                linking.remember_links(session, store)
        try:
            patch.apply_corrections(store_path, [inverse])
            note = "reverted and undone in the research store"
        except ConflictError as exc:
            note = f"reverted; the research store changed since ({exc}), so it is undone at the next ingest"
        with units() as session:
            done, relinked = _finish(session, actor, store_path, correction_id,
                                     f"correction {correction_id} reverted: {row.summary}")
    return _out(done, note, relinked)


def _mark_reverted(session: Session, actor: Actor, correction_id: int, reason: str | None, *,
                   pending: bool) -> IdentityCorrection:
    row = get_correction(session, correction_id)
    if row.status == "reverted":
        raise ConflictError(f"correction {correction_id} was already reverted by {row.reverted_by_name} "
                            f"at {row.reverted_at:%Y-%m-%d %H:%M}")
    if row.status != "active":
        raise ConflictError(f"correction {correction_id} was never applied ({row.status}): nothing to revert")
    before = audit.snapshot(row)
    row.status, row.reverted_at, row.reverted_by_name = "reverted", utcnow(), actor.name
    row.revert_reason = (reason or "").strip() or None
    row.patch_pending = pending
    flush(session)
    audit.record(session, actor, "revert", "identity_correction", row.id, before, audit.snapshot(row))
    return row


def _inverse(session: Session, row: IdentityCorrection) -> patch.Correction:
    done = from_payload(f"c{row.id}", row.payload)
    if isinstance(done, PersonCorrection) and done.kind == "merge":
        first, second = row.payload["parts"]
        return PersonCorrection(f"undo-c{row.id}", "split", frozenset(second), frozenset(first))
    if isinstance(done, PersonCorrection):
        return PersonCorrection(f"undo-c{row.id}", "merge", done.together | done.apart)
    if isinstance(done, OrgSettings):
        before = row.payload.get("before") or {}
        return OrgSettings(f"undo-c{row.id}", done.org_id, before.get("parent_id"), before.get("kind"),
                           before.get("country"), exact=True)
    # An alias is undone by resolving its strings as the rules (and the other corrections) would.
    resolver = OrgResolver()
    others = active_corrections(session)
    resolver.apply_corrections(others.org_aliases, others.org_settings)
    return patch.OrgReassignment(done.raw, lambda raw: resolver.resolve(raw))


def active_corrections(session: Session) -> Corrections:
    """Every correction not reverted, oldest first: what a build applies."""
    rows = session.scalars(select(IdentityCorrection).where(IdentityCorrection.status == "active")
                           .order_by(IdentityCorrection.id))
    return collect(from_payload(f"c{row.id}", row.payload) for row in rows)


def record_stale(session: Session, stale: Sequence[StaleCorrection]) -> None:
    """Remember what the last build found no longer applies (and clear it for the rest)."""
    reasons: dict[int, list[str]] = {}
    for item in stale:
        if item.correction_id.startswith("c") and is_digits(item.correction_id[1:]):
            reasons.setdefault(int(item.correction_id[1:]), []).append(item.reason)
    for row in session.scalars(select(IdentityCorrection).where(IdentityCorrection.status == "active")):
        found = "; ".join(reasons.get(row.id, [])) or None
        if row.stale_reason != found:
            row.stale_reason = found
    flush(session)


# Rebuilds are run by the system, not a person: relinks they cause are signed so.
REBUILD_ACTOR = Actor(user_id=None, name="research store rebuild", role=Role.EXECUTIVE)


@dataclass(slots=True)
class Rebuild:
    summary: build.BuildSummary
    relinked: list[linking.Relink]


def rebuild_research_store(units: UnitOfWork, store_path: Path, paths: Sequence[Path], *,
                           adapter: str | None = None, skip_bad: bool = False,
                           progress: build.Progress | None = None) -> Rebuild:
    """A full build with every active correction applied first; stale ones noted, candidates re-linked.

    The build reads the committed corrections and swaps the new store in; what it found (stale corrections,
    pending patches now applied by the build) and the candidates' relinks are committed after, in one go.
    """
    with patch.store_lock(store_path):
        with units() as session:
            corrections = active_corrections(session)
            if store_path.exists():
                # The store being replaced may come from an older version: only its authorships are read.
                with ResearchStore(store_path, any_schema=True) as old:
                    linking.remember_links(session, old)
        summary = build.build_store(paths, store_path, adapter=adapter, skip_bad=skip_bad, progress=progress,
                                    corrections=corrections)
        with units() as session:
            record_stale(session, summary.stale_corrections)
            for row in session.scalars(select(IdentityCorrection).where(IdentityCorrection.patch_pending.is_(True))):
                row.patch_pending = False  # the build applied the active ones and left the reverted out
            flush(session)
            with ResearchStore(store_path) as new:
                relinked = linking.follow_people(session, REBUILD_ACTOR, new,
                                                 because="rebuild of the research store")
    return Rebuild(summary, relinked)
