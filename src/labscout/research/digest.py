"""Fingerprints of a built store, to check that a build is a function of its sources and corrections.

Two builds of the same sources must hold the same people (as sets of mentions, whatever their ids) and the
same rows in every derived table. Each table is read in a total order (ORDER BY ALL) and hashed, so two
stores compare with a few strings rather than half a million rows.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import orjson

# The tables a build derives; build_info (when, from which paths) and the skipped list's file names say
# where the build ran, not what it found.
TABLES = ("papers", "venues", "organisations", "org_aliases", "people", "person_names", "authorships",
          "paper_affiliations", "person_links", "person_years", "record_issues", "org_relations", "moves",
          "misaligned_lists")


def _hash_rows(rows: list[tuple[object, ...]]) -> str:
    digest = hashlib.sha256()
    for row in rows:
        digest.update(orjson.dumps(list(row), default=str))
        digest.update(b"\n")
    return digest.hexdigest()


def table_digests(path: Path) -> dict[str, str]:
    """A SHA-256 of each derived table's rows in a total order, and of the partition into people."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        found = {table: _hash_rows(con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall())
                 for table in TABLES}
        # People as sets of mentions: the same partition hashes the same under any person ids.
        people = con.execute("""
            SELECT list(paper_id || '#' || author_order ORDER BY paper_id, author_order) AS mentions
            FROM authorships GROUP BY person_id ORDER BY mentions""").fetchall()
        found["partition"] = _hash_rows(people)
        return found
    finally:
        con.close()
