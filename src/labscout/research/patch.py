"""Apply a correction to a built store at once, without a rebuild.

A user who merges two people must see it in seconds, not after the next full ingest. The store is copied,
the copy is changed (only the mentions the correction names, and the derived rows of the people it
touches) and renamed over the original: readers never see a half-changed store, and a failure leaves the
old one. The next full build applies the same correction as a hard constraint, so both roads agree.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from labscout.errors import ConflictError, InvalidError, NotFoundError
from labscout.identity.constraints import OrgAlias, OrgSettings, PersonCorrection
from labscout.identity.orgs import OrgMatch, normalise_org_name
from labscout.research.build import derive_sql
from labscout.research.person_ids import Redirect, person_id_for
from labscout.research.store import SCHEMA_VERSION, writer_config


@dataclass(frozen=True, slots=True)
class OrgReassignment:
    """Resolve the affiliations that read `raw` (normalised) again, as `resolve` says: how an alias is undone."""

    raw: str
    resolve: Callable[[str], OrgMatch | None]


Correction = PersonCorrection | OrgAlias | OrgSettings | OrgReassignment


@dataclass(slots=True)
class PatchResult:
    """Which people a correction touched and where their mentions went."""

    people: set[str] = field(default_factory=set)
    redirects: list[Redirect] = field(default_factory=list)
    seconds: float = 0.0


@contextmanager
def store_lock(store: Path) -> Iterator[None]:
    """One writer at a time: corrections made at once by two users are applied one after the other."""
    store.parent.mkdir(parents=True, exist_ok=True)
    with open(store.with_name(store.name + ".lock"), "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def apply_corrections(store: Path, corrections: Sequence[Correction]) -> PatchResult:
    """Change the store at `store` as the corrections say and swap it in; the caller holds `store_lock`."""
    started = time.perf_counter()
    if not store.exists():
        raise NotFoundError(f"no research store at {store}; build it with `labscout ingest PATH`")
    tmp = store.with_name(f".{store.name}.{os.getpid()}.patching")
    result = PatchResult()
    try:
        shutil.copyfile(store, tmp)
        con = duckdb.connect(str(tmp), config=writer_config())
        try:
            _check_schema(con, store)
            con.execute("BEGIN")
            for correction in corrections:
                if isinstance(correction, PersonCorrection):
                    _person(con, correction, result)
                elif isinstance(correction, OrgAlias):
                    _alias(con, correction, result)
                elif isinstance(correction, OrgReassignment):
                    _reassign(con, correction, result)
                else:
                    _org_settings(con, correction, result)
            _rederive(con, result.people)
            con.execute("COMMIT")
            con.execute("CHECKPOINT")
        finally:
            con.close()
        os.replace(tmp, store)
    finally:
        tmp.unlink(missing_ok=True)
        tmp.with_name(tmp.name + ".wal").unlink(missing_ok=True)
    result.seconds = time.perf_counter() - started
    return result


def _check_schema(con: duckdb.DuckDBPyConnection, store: Path) -> None:
    row = con.execute("SELECT value FROM build_info WHERE key = 'schema_version'").fetchone()
    if row is None or int(row[0]) != SCHEMA_VERSION:
        raise InvalidError(f"the research store at {store} was built by another version of LabScout; rebuild it "
                           "with `labscout ingest PATH` (corrections are kept and applied)")


def _holders(con: duckdb.DuckDBPyConnection, keys: frozenset[str]) -> dict[str, int]:
    """Person id -> how many of the mentions at `keys` they hold."""
    _load_keys(con, keys)
    rows = con.execute("""SELECT a.person_id, count(*) FROM authorships a JOIN patch_keys k
                          USING (paper_id, author_order) GROUP BY 1""").fetchall()
    return {pid: int(n) for pid, n in rows}


def _load_keys(con: duckdb.DuckDBPyConnection, keys: frozenset[str]) -> None:
    pairs = [k.rsplit("#", 1) for k in keys]
    table = pa.table({"paper_id": pa.array([p for p, _ in pairs], pa.string()),
                      "author_order": pa.array([int(o) for _, o in pairs], pa.int32())})
    con.register("patch_keys_in", table)
    con.execute("CREATE OR REPLACE TEMP TABLE patch_keys AS SELECT * FROM patch_keys_in")
    con.unregister("patch_keys_in")


def _person(con: duckdb.DuckDBPyConnection, c: PersonCorrection, result: PatchResult) -> None:
    together = _holders(con, c.together)
    if c.kind == "merge":
        if len(together) < 2:
            raise ConflictError(f"correction {c.correction_id}: these mentions are one person already"
                                if together else f"correction {c.correction_id}: none of its mentions is in the "
                                                 "store any more")
        sizes = dict(con.execute("SELECT person_id, count(*) FROM authorships WHERE person_id IN "
                                 "(SELECT unnest(?)) GROUP BY 1", [list(together)]).fetchall())
        keep = min(together, key=lambda pid: (-sizes[pid], pid))
        merged = [Redirect(other, keep, int(sizes[other])) for other in sorted(set(together) - {keep})]
        for r in merged:
            con.execute("UPDATE authorships SET person_id = ? WHERE person_id = ?", [keep, r.old_person_id])
            con.execute("UPDATE person_links SET person_id = ? WHERE person_id = ?", [keep, r.old_person_id])
        _load_keys(con, c.together)
        con.execute("""UPDATE authorships SET link_reason = 'correction' FROM patch_keys k
                       WHERE authorships.paper_id = k.paper_id AND authorships.author_order = k.author_order""")
        result.people |= set(together)
        result.redirects.extend(merged)
        _record(con, merged, "merge")
        return
    rest = _holders(con, c.apart)
    if not together or not rest:
        raise ConflictError(f"correction {c.correction_id}: one side of the split is not in the store any more")
    if set(together).isdisjoint(rest):
        raise ConflictError(f"correction {c.correction_id}: these mentions are two people already")
    new = _fresh_id(con, "split|" + min(c.together))
    _load_keys(con, c.together)
    moved = []
    for old, n in sorted(together.items()):
        con.execute("""UPDATE authorships SET person_id = ?, link_reason = 'correction' FROM patch_keys k
                       WHERE authorships.person_id = ? AND authorships.paper_id = k.paper_id
                             AND authorships.author_order = k.author_order""", [new, old])
        con.execute("""UPDATE person_links SET person_id = ? WHERE person_id = ?
                       AND paper_id IN (SELECT paper_id FROM patch_keys)""", [new, old])
        moved.append(Redirect(old, new, n))
    result.people |= set(together) | {new}
    result.redirects.extend(moved)
    _record(con, moved, "split")


def _fresh_id(con: duckdb.DuckDBPyConnection, anchor: str) -> str:
    taken = {r[0] for r in con.execute("SELECT person_id FROM people UNION SELECT old_person_id "
                                       "FROM person_redirects").fetchall()}
    pid = person_id_for(anchor)
    while pid in taken:
        anchor += "'"
        pid = person_id_for(anchor)
    return pid


def _record(con: duckdb.DuckDBPyConnection, redirects: Sequence[Redirect], cause: str) -> None:
    for r in redirects:
        con.execute("INSERT INTO person_redirects VALUES (?, ?, ?, ?)",
                    [r.old_person_id, r.new_person_id, r.mentions, cause])


def _raws(con: duckdb.DuckDBPyConnection, raw: str) -> list[str]:
    key = normalise_org_name(raw)
    return [r for (r,) in con.execute("""SELECT DISTINCT raw_affiliation FROM authorships
                                         WHERE raw_affiliation IS NOT NULL UNION
                                         SELECT DISTINCT raw_affiliation FROM paper_affiliations""").fetchall()
            if normalise_org_name(r) == key]


def _alias(con: duckdb.DuckDBPyConnection, c: OrgAlias, result: PatchResult) -> None:
    _ensure_org(con, c.org_id, c.org_name, c.org_kind, c.org_country)
    raws = _raws(con, c.raw)
    if raws:
        _assign(con, raws, c.org_id, "correction", result)


def _reassign(con: duckdb.DuckDBPyConnection, c: OrgReassignment, result: PatchResult) -> None:
    for raw in _raws(con, c.raw):
        found = c.resolve(raw)
        if found is not None:
            org = found.org
            _ensure_org(con, org.org_id, org.name, org.kind, org.country, org.parent_id, org.curated)
        _assign(con, [raw], found.org.org_id if found else None, found.method if found else None, result)


def _ensure_org(con: duckdb.DuckDBPyConnection, org_id: str, name: str, kind: str | None, country: str | None,
                parent_id: str | None = None, curated: bool = False) -> None:
    if not con.execute("SELECT 1 FROM organisations WHERE org_id = ?", [org_id]).fetchone():
        con.execute("INSERT INTO organisations (org_id, name, kind, country, parent_id, curated) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    [org_id, name, kind or "unknown", country, parent_id, curated])


def _assign(con: duckdb.DuckDBPyConnection, raws: list[str], org_id: str | None, method: str | None,
            result: PatchResult) -> None:
    touched = con.execute("SELECT DISTINCT person_id FROM authorships WHERE raw_affiliation IN (SELECT unnest(?))",
                          [raws]).fetchall()
    result.people |= {pid for (pid,) in touched}
    con.execute("UPDATE authorships SET org_id = ?, org_method = ? WHERE raw_affiliation IN (SELECT unnest(?))",
                [org_id, method, raws])
    con.execute("UPDATE paper_affiliations SET org_id = ? WHERE raw_affiliation IN (SELECT unnest(?))",
                [org_id, raws])
    counts = con.execute("""SELECT alias, sum(occurrences) FROM org_aliases
                            WHERE alias_kind = 'name' AND alias IN (SELECT unnest(?)) GROUP BY 1""", [raws]).fetchall()
    con.execute("DELETE FROM org_aliases WHERE alias_kind = 'name' AND alias IN (SELECT unnest(?))", [raws])
    if org_id is not None:
        for alias, n in counts:
            con.execute("INSERT INTO org_aliases VALUES (?, ?, 'name', ?, ?)", [org_id, alias, method, int(n)])


def _org_settings(con: duckdb.DuckDBPyConnection, c: OrgSettings, result: PatchResult) -> None:
    if not con.execute("SELECT 1 FROM organisations WHERE org_id = ?", [c.org_id]).fetchone():
        raise ConflictError(f"correction {c.correction_id}: organisation {c.org_id} is not in the store any more")
    # A new parent changes which of its people's changes are moves and which facts agree: theirs are
    # derived again (everyone under it too).
    touched = con.execute("""WITH RECURSIVE tree(org_id) AS (SELECT ?::VARCHAR UNION
                             SELECT o.org_id FROM organisations o JOIN tree t ON o.parent_id = t.org_id)
                             SELECT DISTINCT person_id FROM authorships WHERE org_id IN (SELECT org_id FROM tree)""",
                          [c.org_id]).fetchall()
    result.people |= {pid for (pid,) in touched}
    if c.exact:
        con.execute("UPDATE organisations SET parent_id = ?, kind = ?, country = ? WHERE org_id = ?",
                    [c.parent_id, c.kind or "unknown", c.country, c.org_id])
    else:
        con.execute("""UPDATE organisations SET parent_id = coalesce(?, parent_id), kind = coalesce(?, kind),
                       country = coalesce(?, country) WHERE org_id = ?""", [c.parent_id, c.kind, c.country, c.org_id])


def _rederive(con: duckdb.DuckDBPyConnection, people: set[str]) -> None:
    """Derive the careers of `people` again, and of everyone on a paper whose slot list the change put out
    of order or back in order (a list's order is judged from all its authors' papers: `misaligned_lists`)."""
    if not people:
        return
    before = {p for (p,) in con.execute("SELECT paper_id FROM misaligned_lists").fetchall()}
    _derive(con, people)
    changed = before ^ {p for (p,) in con.execute("SELECT paper_id FROM misaligned_lists").fetchall()}
    if changed:
        # The list is judged from the authorships alone, so a second pass leaves it as it is.
        others = {pid for (pid,) in con.execute("SELECT DISTINCT person_id FROM authorships "
                                                "WHERE paper_id IN (SELECT unnest(?))", [sorted(changed)]).fetchall()}
        if others - people:
            _derive(con, others - people)


def _derive(con: duckdb.DuckDBPyConnection, people: set[str]) -> None:
    con.execute("CREATE OR REPLACE TEMP TABLE patch_people AS SELECT unnest(?) AS person_id", [sorted(people)])
    for table in ("person_years", "people", "person_names", "moves"):
        con.execute(f"DELETE FROM {table} WHERE person_id IN (SELECT person_id FROM patch_people)")
    con.execute("""CREATE OR REPLACE TEMP VIEW patch_authorships AS
                   SELECT * FROM authorships WHERE person_id IN (SELECT person_id FROM patch_people)""")
    con.execute("""CREATE OR REPLACE TEMP VIEW patch_person_years AS
                   SELECT * FROM person_years WHERE person_id IN (SELECT person_id FROM patch_people)""")
    con.execute(derive_sql("patch_authorships", "patch_person_years"))
