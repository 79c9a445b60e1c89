"""Assemble the rows of the research store from records, resolved people and organisations."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from labscout.identity.cluster import Resolution
from labscout.identity.mentions import MentionRef
from labscout.identity.names import normalise_name
from labscout.identity.orgs import OrgMatch, OrgResolver, is_generic_domain, registered_domain
from labscout.research import person_ids, source_tables
from labscout.sources.paperlists import VENUE_NAMES
from labscout.sources.records import AuthorMention, PaperRecord


class OrgLookup:
    """Resolves (affiliation, domain) pairs once each and remembers what was matched how, for provenance."""

    def __init__(self, resolver: OrgResolver) -> None:
        self.resolver = resolver
        self.matches: dict[tuple[str | None, str | None], OrgMatch | None] = {}
        self.occurrences: Counter[tuple[str | None, str | None]] = Counter()
        self._checks: dict[tuple[str, str], str | None] = {}

    def match(self, affiliation: str | None, domain: str | None) -> OrgMatch | None:
        key = (affiliation, domain)
        self.occurrences[key] += 1
        if key not in self.matches:
            self.matches[key] = self.resolver.resolve(affiliation, domain) if affiliation or domain else None
        return self.matches[key]

    def org_id(self, affiliation: str | None, domain: str | None) -> str | None:
        found = self.match(affiliation, domain)
        return found.org.org_id if found else None

    def know(self, affiliation: str, found: OrgMatch | None) -> None:
        """Settle what an affiliation names before anything asks (a source's own institution record)."""
        self.matches.setdefault((affiliation, None), found)

    def part_orgs(self, affiliation: str | None, domain: str | None) -> list[str | None]:
        """The organisations of each of a slot's several affiliations ('A+B', 'A and B'), aligned with them; [] for
        one."""
        parts = [p.strip() for p in self.resolver.affiliation_parts(affiliation)] if affiliation else []
        if len(parts) < 2:
            return []
        domains = [d.strip() for d in (domain or "").split("+")]
        found = []
        for k, part in enumerate(parts):
            match = self.match(part, domains[k] if len(domains) == len(parts) and domains[k] else None)
            found.append(match.org.org_id if match else None)
        return found

    def domain_check(self, affiliation: str | None, domain: str | None) -> str | None:
        """Whether the organisation the affiliation names and the one its domain names are one family.

        None when either says nothing curated (a webmail domain, an unknown institution): only two known
        organisations can disagree.
        """
        if not affiliation or not domain:
            return None
        key = (affiliation, domain)
        if key not in self._checks:
            by_name = self.resolver.resolve(affiliation)
            by_domain = self.resolver.by_domain(domain)
            if by_name is None or by_domain is None or not by_name.org.curated:
                self._checks[key] = None
            else:
                same = self.resolver.family_root(by_name.org.org_id) == self.resolver.family_root(by_domain.org_id)
                self._checks[key] = "agrees" if same else "disagrees"
        return self._checks[key]

    def domain_conflict(self, affiliation: str | None, domain: str | None) -> bool:
        """Whether a slot's domain names a known organisation its affiliation neither names nor lists.

        "University of Michigan" with sutd.edu.sg conflicts; "Yandex + Moscow Institute of Physics and
        Technology" with phystech.edu does not (the second affiliation is the e-mail's).
        """
        if self.domain_check(affiliation, domain) != "disagrees" or not affiliation or not domain:
            return False
        by_domain = self.resolver.by_domain(domain)
        if by_domain is None:
            return False
        root = self.resolver.family_root(by_domain.org_id)
        for part in self.resolver.affiliation_parts(affiliation):
            named = self.resolver.resolve(part.strip()) if part.strip() else None
            if named is not None and self.resolver.family_root(named.org.org_id) == root:
                return False
        return True

    def family_of(self, affiliation: str | None) -> str | None:
        """The top of the family of the organisation an affiliation names (its first part), by name alone."""
        named = self.resolver.resolve(affiliation) if affiliation else None
        return self.resolver.family_root(named.org.org_id) if named is not None else None

    def family_of_domain(self, domain: str | None) -> str | None:
        """The top of the family of the curated organisation an e-mail domain belongs to."""
        org = self.resolver.by_domain(domain) if domain else None
        return self.resolver.family_root(org.org_id) if org is not None else None


def know_institutions(lookup: OrgLookup, records: Sequence[PaperRecord]) -> None:
    """Settle each institution a source matched itself (OpenAlex's, with a ROR id) through its own record,
    so its name resolves by ROR id, country and type rather than as a bare string."""
    settled: dict[tuple[str | None, str, str | None, str | None], OrgMatch | None] = {}
    for record in records:
        for author in record.authors:
            if not author.institutions or not author.affiliation:
                continue
            for k, inst in enumerate(author.institutions):
                key = (inst.ror, inst.name, inst.country, inst.kind)
                if key not in settled:
                    settled[key] = lookup.resolver.resolve_institution(inst)
                lookup.know(inst.name, settled[key])
                if k == 0:
                    lookup.know(author.affiliation, settled[key])


@dataclass(slots=True)
class StoreTables:
    """Row tuples of the tables built in Python, in the column order of schema.sql.

    People, their names and their career years are derived from these in SQL (derive.sql).
    """

    build_info: dict[str, str] = field(default_factory=dict)
    source_files: list[tuple[Any, ...]] = field(default_factory=list)
    skipped: list[tuple[Any, ...]] = field(default_factory=list)
    papers: list[tuple[Any, ...]] = field(default_factory=list)
    organisations: list[tuple[Any, ...]] = field(default_factory=list)
    org_aliases: list[tuple[Any, ...]] = field(default_factory=list)
    authorships: list[tuple[Any, ...]] = field(default_factory=list)
    paper_affiliations: list[tuple[Any, ...]] = field(default_factory=list)
    person_links: list[tuple[Any, ...]] = field(default_factory=list)
    person_redirects: list[tuple[Any, ...]] = field(default_factory=list)
    record_issues: list[tuple[Any, ...]] = field(default_factory=list)
    # Where each paper was read from, and the institutions sources matched per author slot.
    sourced: source_tables.SourceTables = field(default_factory=source_tables.SourceTables)

    def arrow_tables(self) -> dict[str, pa.Table]:
        """Each table as Arrow, typed to match the schema."""
        venues = sorted({row[1] for row in self.papers})
        return {
            "build_info": _arrow(list(self.build_info.items()), _BUILD_INFO),
            "source_files": _arrow(self.source_files, _SOURCE_FILES),
            "skipped_records": _arrow(self.skipped, _SKIPPED),
            "venues": _arrow([(v, self.sourced.venue_names.get(v) or VENUE_NAMES.get(v, v.upper()))
                              for v in venues], _VENUES),
            "papers": _arrow(self.papers, _PAPERS),
            "organisations": _arrow(self.organisations, _ORGANISATIONS),
            "org_aliases": _arrow(self.org_aliases, _ORG_ALIASES),
            "authorships": _arrow(self.authorships, _AUTHORSHIPS),
            "paper_affiliations": _arrow(self.paper_affiliations, _PAPER_AFFILIATIONS),
            "person_links": _arrow(self.person_links, _PERSON_LINKS),
            "person_redirects": _arrow(self.person_redirects, PERSON_REDIRECTS),
            "record_issues": _arrow(self.record_issues, _RECORD_ISSUES),
            **{name: _arrow(rows, columns) for name, (rows, columns) in self.sourced.tables().items()},
        }


_S, _I, _F, _B = pa.string(), pa.int32(), pa.float64(), pa.bool_()
_BUILD_INFO = [("key", _S), ("value", _S)]
_SOURCE_FILES = [("file", _S), ("adapter", _S), ("venue", _S), ("year", _I), ("records", _I), ("skipped", _I)]
_SKIPPED = [("file", _S), ("record", _I), ("reason", _S)]
_VENUES = [("venue", _S), ("name", _S)]
_PAPERS = [("paper_id", _S), ("venue", _S), ("year", _I), ("title", _S), ("track", _S), ("status", _S),
           ("decision", _S), ("presentation", _S), ("keywords", pa.list_(_S)), ("primary_area", _S),
           ("rating_avg", _F), ("abstract", _S), ("source_id", _S), ("source_file", _S),
           ("record_index", _I), ("n_authors", _I), ("tldr", _S), ("citations", _I)]
_ORGANISATIONS = [("org_id", _S), ("name", _S), ("kind", _S), ("country", _S), ("parent_id", _S),
                  ("curated", _B), ("successor_id", _S), ("affiliate_ids", pa.list_(_S)),
                  ("home_domain", _S)]
_ORG_ALIASES = [("org_id", _S), ("alias", _S), ("alias_kind", _S), ("method", _S), ("occurrences", _I)]
_AUTHORSHIPS = [("paper_id", _S), ("author_order", _I), ("person_id", _S), ("raw_name", _S),
                ("openreview_id", _S), ("acl_id", _S), ("email", _S), ("raw_affiliation", _S),
                ("affiliation_source", _S), ("domain", _S), ("org_id", _S), ("org_method", _S),
                ("position", _S), ("other_org_ids", pa.list_(_S)), ("other_positions", pa.list_(_S)),
                ("domain_check", _S), ("link_reason", _S), ("name_key", _S), ("author_ids", pa.list_(_S)),
                ("id_conflict", _S)]
_RECORD_ISSUES = [("source_file", _S), ("record_index", _I), ("paper_id", _S), ("author_order", _I),
                  ("field", _S), ("kind", _S), ("reason", _S)]
_PAPER_AFFILIATIONS = [("paper_id", _S), ("raw_affiliation", _S), ("org_id", _S)]
_PERSON_LINKS = [("person_id", _S), ("kind", _S), ("url", _S), ("paper_id", _S)]
PERSON_REDIRECTS = [("old_person_id", _S), ("new_person_id", _S), ("mentions", _I), ("cause", _S)]


def _arrow(rows: Sequence[tuple[Any, ...]], columns: list[tuple[str, pa.DataType]]) -> pa.Table:
    names = [name for name, _ in columns]
    if not rows:
        return pa.table({n: pa.array([], type=t) for n, t in columns})
    cols = list(zip(*rows, strict=True))
    return pa.table({n: pa.array(list(c), type=t) for (n, t), c in zip(columns, cols, strict=True)},
                    schema=pa.schema(columns)).select(names)


def assemble(records: Sequence[PaperRecord], refs: Sequence[MentionRef], resolution: Resolution,
             lookup: OrgLookup, previous_ids: Mapping[str, str] | None = None) -> StoreTables:
    """Every table's rows from the resolved mentions; `previous_ids` (mention key -> id) keeps ids stable."""
    out = StoreTables()
    members: dict[int, list[int]] = defaultdict(list)
    for i, label in enumerate(resolution.labels):
        members[label].append(i)
    person_of_label, redirects = person_ids.assign_person_ids(members, refs, previous_ids or {})
    out.person_redirects = [(r.old_person_id, r.new_person_id, r.mentions, "rebuild") for r in redirects]
    for record in records:
        out.papers.append((
            record.paper_id, record.venue, record.year, record.title, record.track, record.status,
            record.decision, record.presentation, record.keywords, record.primary_area, record.rating_avg,
            record.abstract, record.source_id, record.source_file, record.record_index, len(record.authors),
            record.tldr, record.citations,
        ))
        for raw in record.unpaired_affiliations:
            found = lookup.matches.get((raw, None))
            out.paper_affiliations.append((record.paper_id, raw, found.org.org_id if found else None))
        out.record_issues.extend((record.source_file, record.record_index, record.paper_id, issue.author,
                                  issue.field, issue.kind, issue.reason) for issue in record.issues)
    shifted = _domains_out_of_order(records, lookup)
    out.record_issues.extend(
        (rec.source_file, rec.record_index, rec.paper_id, None, "aff_domain", "e-mail domains out of author order",
         "an author's e-mail domain names another organisation than the affiliation printed beside it: the "
         "domains of this list are paired with nobody") for rec in records if rec.paper_id in shifted)
    for i, ref in enumerate(refs):
        a, rec = ref.author, ref.record
        domain = None if rec.paper_id in shifted and a.affiliation_source == "slot" else a.domain
        found = lookup.match(a.affiliation, domain) if domain != a.domain else lookup.matches.get((a.affiliation,
                                                                                                   a.domain))
        out.authorships.append((
            rec.paper_id, a.order, person_of_label[resolution.labels[i]], a.name, a.openreview_id, a.acl_id,
            a.email, a.affiliation, a.affiliation_source, a.domain, found.org.org_id if found else None,
            found.method if found else None, a.position,
            *_others(lookup, a, found.org.org_id if found else None, domain),
            lookup.domain_check(a.affiliation, a.domain),
            resolution.reasons[i], normalise_name(a.name),
            list(resolution.ids[i]) if resolution.ids else list(a.ids),
            resolution.conflicts[i] if resolution.conflicts else None,
        ))
    for label, idx in members.items():
        out.person_links.extend(_links(person_of_label[label], idx, refs))
    out.sourced = source_tables.source_rows(records, lambda name: lookup.matches.get((name, None)))
    _organisations(out, lookup)
    return out


def _domains_out_of_order(records: Sequence[PaperRecord], lookup: OrgLookup) -> set[str]:
    """Papers whose PDF-derived per-author list gives a slot the e-mail domain of another slot's organisation
    in place of its own (ACL 2022's CICERO gives sutd.edu.sg to its Michigan author, whose co-authors' slots
    name SUTD, and umich.edu to a SUTD one): the domains are not in author order, so none of them says where
    its slot's author was. A domain of a place no other slot names (a student's university address beside
    the lab of an internship) is the author's own, and says nothing about the list's order."""
    shifted = set()
    for rec in records:
        slots = [a for a in rec.authors if a.affiliation_source == "slot" and a.affiliation]
        conflicts = [a for a in slots if lookup.domain_conflict(a.affiliation, a.domain)]
        if not conflicts:
            continue
        named = {a.order: lookup.family_of(a.affiliation) for a in slots}
        for a in conflicts:
            root = lookup.family_of_domain(a.domain)
            if root is not None and any(f == root for order, f in named.items() if order != a.order):
                shifted.add(rec.paper_id)
                break
    return shifted


def _others(lookup: OrgLookup, author: AuthorMention, primary: str | None,
            domain: str | None) -> tuple[list[str], list[str | None]]:
    """A slot's organisations other than its primary one, with their positions, repeats left out.

    The primary is mostly the first printed; where the e-mail chose a later one ("University of Toronto+Google
    Brain" with google.com), the first printed is one of the others, not lost (its position is the slot's,
    already the primary's, so none is given for it)."""
    orgs: list[str] = []
    positions: list[str | None] = []
    for k, org_id in enumerate(lookup.part_orgs(author.affiliation, domain)):
        if org_id is not None and org_id != primary and org_id not in orgs:
            orgs.append(org_id)
            positions.append(author.extra_positions[k - 1] if 0 < k <= len(author.extra_positions) else None)
    return orgs, positions


def _links(pid: str, idx: list[int], refs: Sequence[MentionRef]) -> list[tuple[Any, ...]]:
    seen: dict[tuple[str, str], str] = {}
    for i in idx:
        for kind, url in refs[i].author.links.items():
            seen.setdefault((kind, url), refs[i].record.paper_id)
    return [(pid, kind, url, paper) for (kind, url), paper in sorted(seen.items())]


def _organisations(out: StoreTables, lookup: OrgLookup) -> None:
    used: set[str] = set()
    domains: dict[str, Counter[str]] = defaultdict(Counter)
    for (raw, domain), found in lookup.matches.items():
        if found is None:
            continue
        org_id = found.org.org_id
        used.add(org_id)
        count = lookup.occurrences[(raw, domain)]
        if raw:
            out.org_aliases.append((org_id, raw, "name", found.method, count))
        if domain:
            out.org_aliases.append((org_id, domain, "domain", found.method, count))
            first = domain.split("+")[0].strip().lower()
            if first and not is_generic_domain(first):
                domains[org_id][registered_domain(first)] += count
    by_id = {o.org_id: o for o in lookup.resolver.organisations()}
    # Every curated organisation is kept, named in a paper or not: a user asks for "Thinking Machines Lab"
    # and must hear it is known and has no papers yet; parents and successors are kept with it.
    used |= {o.org_id for o in by_id.values() if o.curated}
    pending = list(used)
    while pending:
        org = by_id.get(pending.pop())
        for linked in (org.parent_id, org.successor_id, *org.affiliates) if org else ():
            if linked and linked not in used:
                used.add(linked)
                pending.append(linked)
    for org_id in sorted(used):
        org = by_id.get(org_id)
        if org is not None:
            out.organisations.append((org.org_id, org.name, org.kind, org.country, org.parent_id, org.curated,
                                      org.successor_id, list(org.affiliates), _home_domain(domains.get(org_id))))
    _merge_alias_rows(out)


def _home_domain(seen: Counter[str] | None) -> str | None:
    """The e-mail domain most of an organisation's slots carry, when at least two and half of them do.

    Two organisations with one home domain are two names of one place ("SUNY at Albany" and "State
    University of New York, Albany", both albany.edu), however differently they are spelt.
    """
    if not seen:
        return None
    domain, count = seen.most_common(1)[0]
    return domain if count >= 2 and 2 * count >= sum(seen.values()) else None


def _merge_alias_rows(out: StoreTables) -> None:
    merged: Counter[tuple[str, str, str, str]] = Counter()
    for org_id, alias, kind, method, count in out.org_aliases:
        merged[(org_id, alias, kind, method)] += count
    out.org_aliases = [(*key, count) for key, count in sorted(merged.items())]
