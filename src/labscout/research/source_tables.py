"""The rows that say where each paper was read from and which institutions a source matched per author slot.

A paper read from two sources (a paper list's entry and the OpenAlex work that is the same paper) has two
`paper_sources` rows; every fact about a person rests on papers, so each fact can say which sources say so.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from labscout.identity.orgs import OrgMatch
from labscout.sources.records import PaperRecord

_S, _I = pa.string(), pa.int32()
PAPER_SOURCES = [("paper_id", _S), ("adapter", _S), ("source_file", _S), ("record_index", _I), ("source_id", _S),
                 ("doi", _S), ("published", _S), ("work_type", _S), ("citations", _I)]
AUTHORSHIP_INSTITUTIONS = [("paper_id", _S), ("author_order", _I), ("position", _I), ("institution_id", _S),
                           ("ror", _S), ("name", _S), ("country", _S), ("kind", _S), ("org_id", _S),
                           ("raw_affiliations", pa.list_(_S))]

Columns = list[tuple[str, pa.DataType]]


@dataclass(slots=True)
class SourceTables:
    paper_sources: list[tuple[Any, ...]] = field(default_factory=list)
    authorship_institutions: list[tuple[Any, ...]] = field(default_factory=list)
    # Names of venues the sources name themselves (an OpenAlex source), by venue code.
    venue_names: dict[str, str] = field(default_factory=dict)

    def tables(self) -> dict[str, tuple[list[tuple[Any, ...]], Columns]]:
        return {"paper_sources": (self.paper_sources, PAPER_SOURCES),
                "authorship_institutions": (self.authorship_institutions, AUTHORSHIP_INSTITUTIONS)}


def source_rows(records: Sequence[PaperRecord], match_of: Callable[[str], OrgMatch | None]) -> SourceTables:
    """Every source record of every paper, and every institution a source matched, with its organisation."""
    out = SourceTables()
    for record in records:
        if record.venue_name:
            out.venue_names.setdefault(record.venue, record.venue_name)
        for s in record.sources:
            out.paper_sources.append((record.paper_id, s.adapter, s.file, s.record, s.source_id, s.doi,
                                      s.published, s.work_type, s.citations))
        for author in record.authors:
            for k, inst in enumerate(author.institutions):
                found = match_of(inst.name)
                out.authorship_institutions.append((
                    record.paper_id, author.order, k, inst.source_id, inst.ror, inst.name, inst.country,
                    inst.kind, found.org.org_id if found else None, list(inst.raw_affiliations)))
    return out
