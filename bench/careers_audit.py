"""Careers against the truth: a blind, hand-labelled sample of timeline facts and listed moves.

    .venv/bin/python bench/careers_audit.py --store STORE [--before OLD_STORE]     # precision, 95% intervals
    .venv/bin/python bench/careers_audit.py --store STORE --worksheet FILE         # unlabelled items, blind
    .venv/bin/python bench/careers_audit.py --store STORE --facts 300              # a larger fact sample

A timeline fact is (person, year, organisation, position) with the papers behind it; a move is (person,
organisation left and year, organisation joined and year) with the papers on both sides. Both samples are
drawn from people with 20 or more papers, the people a recruiter asks about: 150 facts from every fact the
store holds of them (the timeline's and the weak ones a profile sets aside below it, reported apart and
together), 100 moves from what `labscout moves` lists. `--salt` draws another sample of the same size (the
first sample was the one changes were tuned on; a salted one, labelled blind afterwards, checks them). Each
item is labelled right, wrong or unsure in `careers_audit.tsv` from its records: the papers' raw author lists
and affiliation, domain and position fields as the source files hold them (which slot is whose is for the
reader to judge, not given), the person's other papers of the years around it, and what is publicly known of
the person. The worksheet never shows whether the system marked a fact weak or how it paired it.

A fact is right when the person was at that organisation (or a unit of it) that year and, if a position is
given, held it; a move is right when the person really left the one for the other around those years (not a
rename, a unit or joint lab of the other, a second affiliation, another author's affiliation, or two people of
one name). From the fifth sample on, a move is also wrong when the records shown name another employer taken
up between the two (a stop known only from what is publicly known of the person counts right, noted in the
evidence); the fourth sample's last 40 moves were told to count such a stop right, earlier ones were not told.
Precision is right / (right + wrong) with a Wilson 95% interval; unsure items are counted apart, and once more
against LabScout.

Sampling uses a hash of each item's key as its random number, so the store before a change and after share
every item they both hold, and a new version costs only its new items' labels. The store before issue 15 is
built by the code of main at 05866af (`git worktree add /tmp/before 05866af`, `make install` there, then
`LABSCOUT_HOME=/tmp/before-home .venv/bin/labscout ingest ../shared/data/paperlists`); its moves are listed
with the query of that version, kept below.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import math
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import orjson

from labscout.research.store import ResearchStore
from labscout.sources.paperlists import split_authors

LABELS = Path(__file__).with_name("careers_audit.tsv")
VERDICTS = ("right", "wrong", "unsure")
MIN_PAPERS = 20
FACTS = 150
MOVES = 100

# How `labscout moves` listed moves before issue 15 (main at 05866af): a change of main organisation
# between consecutive years with papers, the earlier not among the later year's organisations nor the later
# among the earlier's.
_MOVES_BEFORE = """
WITH per_year AS (
    SELECT person_id, year, arg_max(org_id, n_papers) AS org_id, list(org_id) AS orgs,
           flatten(list(paper_ids)) AS paper_ids
    FROM person_years WHERE org_id IS NOT NULL GROUP BY person_id, year
), seq AS (
    SELECT *, lag(org_id) OVER w AS prev_org, lag(orgs) OVER w AS prev_orgs, lag(year) OVER w AS prev_year,
           lag(paper_ids) OVER w AS prev_papers
    FROM per_year WINDOW w AS (PARTITION BY person_id ORDER BY year)
)
SELECT s.person_id, pe.name, fo.name AS from_org, t.name AS to_org, s.prev_year AS from_year, s.year AS to_year,
       s.prev_papers[1:3] AS from_papers, s.paper_ids[1:3] AS to_papers
FROM seq s JOIN people pe USING (person_id)
LEFT JOIN organisations fo ON fo.org_id = s.prev_org LEFT JOIN organisations t ON t.org_id = s.org_id
WHERE s.prev_org IS NOT NULL AND NOT list_contains(s.prev_orgs, s.org_id) AND NOT list_contains(s.orgs, s.prev_org)
  AND pe.n_papers >= ?
"""

_MOVES_NOW = """
SELECT m.person_id, pe.name, fo.name AS from_org, t.name AS to_org, m.from_year, m.to_year, m.from_papers,
       m.to_papers
FROM moves m JOIN people pe USING (person_id)
JOIN organisations fo ON fo.org_id = m.from_org_id JOIN organisations t ON t.org_id = m.to_org_id
WHERE least(m.from_support, m.to_support) >= ? AND NOT m.within_group AND pe.n_papers >= ?
"""


@dataclass(frozen=True, slots=True)
class Item:
    kind: str  # fact | move
    key: str
    person_id: str
    name: str
    year: int
    papers: tuple[str, ...]  # the records behind it (for a move: the old organisation's, then the new one's)
    weak: bool = False
    second: bool = False  # a fact only ever named as a second affiliation ("Sussex + Cambridge")
    split: int = 0  # for a move, how many of `papers` are the old organisation's


def _rank(key: str, salt: str = "") -> int:
    # An empty salt is the first sample (the items labelled before any salt existed keep their ranks).
    return int.from_bytes(hashlib.blake2b((salt + key).encode(), digest_size=8).digest(), "big")


def sample_facts(store: ResearchStore, n: int = FACTS, salt: str = "") -> list[Item]:
    has_strength = bool(store.rows("""SELECT 1 FROM information_schema.columns
                                      WHERE table_name = 'person_years' AND column_name = 'strength'"""))
    strength = "y.strength = 'weak'" if has_strength else "false"
    has_first = bool(store.rows("""SELECT 1 FROM information_schema.columns
                                   WHERE table_name = 'person_years' AND column_name = 'n_first'"""))
    second = "y.n_first = 0" if has_first else "false"
    rows = store.rows(f"""
        SELECT y.person_id, pe.name, y.year, o.name AS org, y.position, y.paper_ids, {strength} AS weak,
               {second} AS second
        FROM person_years y JOIN people pe USING (person_id) JOIN organisations o ON o.org_id = y.org_id
        WHERE pe.n_papers >= ?""", [MIN_PAPERS])
    items = [Item("fact", f"{r['name']}|{r['year']}|{r['org']}|{r['position'] or ''}", r["person_id"], r["name"],
                  r["year"], tuple(r["paper_ids"]), bool(r["weak"]), bool(r["second"])) for r in rows]
    return sorted(items, key=lambda i: _rank(i.key, salt))[:n]


def sample_moves(store: ResearchStore, n: int | None = MOVES, min_support: int = 2, salt: str = "") -> list[Item]:
    now = bool(store.rows("SELECT 1 FROM information_schema.tables WHERE table_name = 'moves'"))
    rows = store.rows(_MOVES_NOW, [min_support, MIN_PAPERS]) if now else store.rows(_MOVES_BEFORE, [MIN_PAPERS])
    items = [Item("move", f"{r['name']}|{r['from_org']}|{r['from_year']}|{r['to_org']}|{r['to_year']}",
                  r["person_id"], r["name"], r["to_year"],
                  tuple(r["from_papers"] or ()) + tuple(r["to_papers"] or ()), split=len(r["from_papers"] or ()))
             for r in rows]
    return sorted(items, key=lambda i: _rank(i.key, salt))[:n]


def read_labels(path: Path = LABELS) -> dict[tuple[str, str], tuple[str, str]]:
    if not path.exists():
        return {}
    return _parse_labels(path.read_text(encoding="utf-8"), str(path))


def labels_at(revision: str, path: Path = LABELS) -> dict[tuple[str, str], tuple[str, str]]:
    """The labels as the repository held them at `revision` (the labels file is only ever appended to)."""
    where = f"{revision}:bench/{path.name}"
    shown = subprocess.run(["git", "show", where], cwd=path.parent, capture_output=True, text=True, check=False)
    if shown.returncode != 0:
        raise SystemExit(f"git show {where}: {shown.stderr.strip()}")
    return _parse_labels(shown.stdout, where)


def _parse_labels(text: str, where: str) -> dict[tuple[str, str], tuple[str, str]]:
    labels = {}
    for row in csv.DictReader(io.StringIO(text, newline=""), delimiter="\t"):
        if row["verdict"] not in VERDICTS:
            raise SystemExit(f"{where}: verdict {row['verdict']!r} for {row['key']!r} is not one of {VERDICTS}")
        labels[(row["kind"], row["key"])] = (row["verdict"], row["evidence"])
    return labels


def wilson(right: int, n: int, z: float = 1.96) -> tuple[float, float]:
    if n == 0:
        return (0.0, 1.0)
    p = right / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (centre - half, centre + half)


def verdict_counts(items: Iterable[Item], labels: dict[tuple[str, str], tuple[str, str]]) -> tuple[int, int, int]:
    """How many of the labelled items are right, wrong and unsure."""
    verdicts = [labels[(i.kind, i.key)][0] for i in items if (i.kind, i.key) in labels]
    right, wrong, unsure = (verdicts.count(v) for v in VERDICTS)
    return right, wrong, unsure


def precision_line(items: Iterable[Item], labels: dict[tuple[str, str], tuple[str, str]]) -> str:
    right, wrong, unsure = verdict_counts(items, labels)
    decided = right + wrong
    low, high = wilson(right, decided)
    strict = right / (decided + unsure) if decided + unsure else 0.0
    precision = right / decided if decided else 0.0
    return (f"{precision:.3f} (95% {low:.3f}-{high:.3f}) from {right} right, {wrong} wrong; {unsure} unsure "
            f"(counted wrong: {strict:.3f})")


def whole_list_lines(moves: list[Item], sample: list[Item], before: dict[tuple[str, str], tuple[str, str]],
                     labels: dict[tuple[str, str], tuple[str, str]]) -> list[str]:
    """Precision of every listed move, stratified: the moves labelled before a salted sample was drawn are a
    census (each counted as labelled), the others are estimated from the salted sample's items among them.

    The labelled part flatters the list (earlier rounds removed its wrong moves wherever a rule could), so a
    sample of the whole list scores neither part fairly. A hash of another salt is independent of which items
    earlier samples labelled, so the sample's unlabelled items are a simple random sample of the unlabelled
    part; its error is the sampling error of that part alone, with the finite-population correction.
    """
    labelled = [i for i in moves if (i.kind, i.key) in before]
    rest = [i for i in moves if (i.kind, i.key) not in before]
    drawn = [i for i in sample if (i.kind, i.key) not in before]
    lines = [f"  the whole list, {len(moves)} listed moves: {len(labelled)} labelled before, {len(rest)} not"]
    right, wrong, _ = verdict_counts(labelled, labels)
    lines.append(f"    labelled before: {precision_line(labelled, labels)}")
    r2, w2, u2 = verdict_counts(drawn, labels)
    missing = len(drawn) - (r2 + w2 + u2)
    lines.append(f"    the others, from the {len(drawn)} of them in the sample: {precision_line(drawn, labels)}")
    if missing:
        lines.append(f"    {missing} of the sample's items unlabelled: write them out with --worksheet")
    if not (r2 + w2) or not (right + wrong):
        return lines
    share = len(rest) / len(moves)
    p_rest = r2 / (r2 + w2)
    estimate = (1 - share) * right / (right + wrong) + share * p_rest
    n = r2 + w2
    fpc = (len(rest) - n) / (len(rest) - 1) if len(rest) > 1 else 0.0
    half = 1.96 * share * math.sqrt(p_rest * (1 - p_rest) / n * max(fpc, 0.0))
    lines.append(f"    the whole list, stratified: {estimate:.3f} (95% {estimate - half:.3f}-{estimate + half:.3f})")
    return lines


# --- the blind worksheet -------------------------------------------------------------------------------


@lru_cache(maxsize=64)
def _source(path: str) -> list[Any]:
    rows: list[Any] = orjson.loads(Path(path).read_bytes())
    return rows


def _split(value: Any) -> list[str]:
    return [part.strip() for part in value.split(";")] if isinstance(value, str) and value.strip(" ;") else []


def _record(store: ResearchStore, paper_id: str, person_id: str) -> str:
    paper = store.one("SELECT p.*, a.author_order FROM papers p JOIN authorships a USING (paper_id) "
                      "WHERE p.paper_id = ? AND a.person_id = ?", [paper_id, person_id])
    if paper is None:
        return f"  - {paper_id}: not in the store"
    row = _source(paper["source_file"])[paper["record_index"]]
    names = split_authors(str(row.get("authors") or row.get("author") or ""))
    ids = _split(row.get("authorids"))
    lines = [f"  - {Path(paper['source_file']).stem} #{paper['record_index']} ({paper['year']}): {paper['title']}",
             f"    this person is author {paper['author_order'] + 1} of {len(names)}"]
    people = [f"{k + 1} {n}" + (f" [{ids[k]}]" if k < len(ids) and len(ids) == len(names) and ids[k] else "")
              for k, n in enumerate(names)]
    lines.append("    authors:   " + "; ".join(_window(people, paper["author_order"])))
    for field in ("or_profile", "aff", "aff_domain", "position"):
        values = _split(row.get(field))
        if values:
            slots = [f"{k + 1} {_short(v, 60)}" for k, v in enumerate(values)]
            lines.append(f"    {field + ':':<10} " + " | ".join(_window(slots, paper["author_order"])))
    return "\n".join(lines)


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def _window(values: list[str], around: int, keep: int = 12) -> list[str]:
    # Long author lists: the first few and those around the person's place, which is where their slot is.
    if len(values) <= keep:
        return values
    chosen = sorted(set(range(4)) | set(range(max(0, around - 4), min(len(values), around + 5)))
                    | {len(values) - 1})
    return [values[k] if k in chosen else "…" for k in range(len(values)) if k in chosen or k - 1 in chosen]


def _context(store: ResearchStore, item: Item) -> str:
    rows = store.rows(
        """SELECT p.paper_id, p.year, p.title, p.source_file, p.record_index, a.author_order
           FROM authorships a JOIN papers p USING (paper_id)
           WHERE a.person_id = ? AND p.year BETWEEN ? AND ? AND p.paper_id NOT IN (SELECT unnest(?))
           ORDER BY p.year, p.paper_id""", [item.person_id, item.year - 2, item.year + 2, list(item.papers)])
    lines = []
    for r in rows[:4]:
        row = _source(r["source_file"])[r["record_index"]]
        affs = _split(row.get("aff"))
        own = _short(affs[r["author_order"]], 60) if r["author_order"] < len(affs) else "-"
        every = _short("; ".join(_short(a, 40) for a in dict.fromkeys(affs)), 160) or "-"
        lines.append(f"  - {r['year']} {Path(r['source_file']).stem}: {r['title'][:50]} | slot at their "
                     f"place: {own} | all: {every}")
    return "\n".join(lines) if lines else "  (none)"


def worksheet(store: ResearchStore, items: list[Item], labels: dict[tuple[str, str], tuple[str, str]]) -> str:
    out = ["# Careers audit worksheet (blind: the records, not what LabScout made of them)", "",
           "Label each item right / wrong / unsure in bench/careers_audit.tsv (kind, key, verdict, evidence).", ""]
    for item in items:
        if (item.kind, item.key) in labels:
            continue
        if item.kind == "fact":
            name, year, org, position = item.key.split("|")
            out.append(f"## fact: {name} was at {org} in {year}" + (f" as {position}" if position else ""))
            out.append(f"key: {item.key}")
            out.append("records:")
            out.extend(_record(store, p, item.person_id) for p in item.papers[:3])
        else:
            name, left, from_year, joined, to_year = item.key.split("|")
            out.append(f"## move: {name} left {left} (last seen {from_year}) for {joined} (first seen {to_year})")
            out.append(f"key: {item.key}")
            out.append("records at the organisation left:")
            out.extend(_record(store, p, item.person_id) for p in item.papers[:item.split])
            out.append("records at the organisation joined:")
            out.extend(_record(store, p, item.person_id) for p in item.papers[item.split:])
        out.append("their other papers of the years around it:")
        out.append(_context(store, item))
        out.append("")
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--before", type=Path, help="the store before the change, scored beside it")
    parser.add_argument("--worksheet", type=Path, help="write the unlabelled items of --store (and --before)")
    parser.add_argument("--min-support", type=int, default=2, help="papers each end of a listed move rests on")
    parser.add_argument("--facts", type=int, default=FACTS,
                        help="facts to sample (the first 150 are the same items whatever the number)")
    parser.add_argument("--salt", default="",
                        help="draw another random sample (e.g. one no change was tuned on); labels are shared")
    parser.add_argument("--moves", type=int, default=MOVES, help="moves to sample")
    parser.add_argument("--whole-list", metavar="REVISION",
                        help="estimate every listed move's precision: the labels at REVISION (before --salt's "
                             "sample was labelled) counted whole, the rest estimated from the sample")
    args = parser.parse_args()
    labels = read_labels()
    stores = [("before", args.before), ("after", args.store)] if args.before else [("now", args.store)]
    sheets = []
    for label, path in stores:
        with ResearchStore(path, any_schema=True) as store:  # the store before a change may be older
            facts = sample_facts(store, args.facts, args.salt)
            moves = sample_moves(store, args.moves, args.min_support, args.salt)
            if args.worksheet:
                sheets.append(worksheet(store, facts + moves, labels))
                continue
            print(f"{label} ({path}):")
            print(f"  facts of people with {MIN_PAPERS}+ papers, set-aside weak ones included: "
                  f"{precision_line(facts, labels)}")
            strong = [i for i in facts if not i.weak]
            if len(strong) < len(facts):
                print(f"    on the timeline (weak ones set aside), {len(strong)}: {precision_line(strong, labels)}")
                first = [i for i in strong if not i.second]
                if len(first) < len(strong):
                    print(f"      of which named first on the slot, {len(first)}: {precision_line(first, labels)}")
                    second = [i for i in strong if i.second]
                    print(f"      named only as a second affiliation, {len(second)}: "
                          f"{precision_line(second, labels)}")
                weak = [i for i in facts if i.weak]
                print(f"    set aside as weak, {len(weak)}: {precision_line(weak, labels)}")
            print(f"  listed moves of people with {MIN_PAPERS}+ papers: {precision_line(moves, labels)}")
            every = sample_moves(store, None, args.min_support, args.salt)
            # Once every listed move carries a label the list's precision is a count, no sample needed.
            labelled = sum((i.kind, i.key) in labels for i in every)
            print(f"  every listed move, {len(every)} ({labelled} labelled): {precision_line(every, labels)}")
            if args.whole_list:
                print("\n".join(whole_list_lines(every, moves, labels_at(args.whole_list), labels)))
            missing = [i for i in facts + moves if (i.kind, i.key) not in labels]
            if missing:
                print(f"  {len(missing)} items unlabelled: write them out with --worksheet")
    if args.worksheet:
        args.worksheet.write_text("\n\n".join(sheets), encoding="utf-8")
        print(f"wrote {args.worksheet}")


if __name__ == "__main__":
    main()
