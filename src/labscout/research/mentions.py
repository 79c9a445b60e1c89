"""Reads of author mentions (paper, author slot) by person: how candidates find their person again."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import pyarrow as pa

from labscout.research.store import ResearchStore


@dataclass(frozen=True, slots=True)
class Holder:
    """`person_id` holds `n` of the mentions remembered for candidate `candidate_id`."""

    candidate_id: int
    person_id: str
    n: int


def mention_keys(store: ResearchStore, person_ids: Collection[str], *, limit: int) -> dict[str, list[str]]:
    """Person id -> the keys ("paper#order") of at most `limit` of their mentions, in paper order."""
    rows = store.rows(f"""SELECT person_id, list(paper_id || '#' || author_order ORDER BY paper_id, author_order)
                                 [1:{int(limit)}] AS keys
                          FROM authorships WHERE person_id IN (SELECT unnest(?)) GROUP BY person_id""",
                      [sorted(person_ids)])
    return {row["person_id"]: list(row["keys"]) for row in rows}


def holders(store: ResearchStore, wanted: Mapping[int, Sequence[str]]) -> list[Holder]:
    """Who holds each candidate's remembered mentions now, most mentions first per candidate."""
    ids, papers, orders = [], [], []
    for candidate_id, keys in wanted.items():
        for key in keys:
            paper, _, order = key.rpartition("#")
            ids.append(candidate_id)
            papers.append(paper)
            orders.append(int(order))
    table = pa.table({"candidate_id": pa.array(ids, pa.int64()), "paper_id": pa.array(papers, pa.string()),
                      "author_order": pa.array(orders, pa.int32())})
    store.con.register("wanted_mentions", table)
    try:
        return store.records(Holder, """SELECT w.candidate_id, a.person_id, count(*) AS n
                                        FROM wanted_mentions w JOIN authorships a USING (paper_id, author_order)
                                        GROUP BY ALL ORDER BY w.candidate_id, n DESC, a.person_id""")
    finally:
        store.con.unregister("wanted_mentions")
