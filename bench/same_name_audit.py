"""How many of the same-name pairs still sharing co-authors are really two people: a blind, labelled sample.

    .venv/bin/python bench/same_name_audit.py                 # the figure, from same_name_audit.tsv
    .venv/bin/python bench/same_name_audit.py --worksheet     # the sampled pairs, blind, to label

`labscout eval identity` counts, in the built store, the pairs of people of one name (3+ papers each) who
share 3+ co-authors: most such pairs used to be one researcher in two pieces. What is left after person
resolution may be two real people of one name in one lab, or one person the resolver could not join. This
draws a fixed random sample of those pairs (`--seed`), prints each pair's papers, co-authors, organisations
and years without saying what the resolver thought, and reads the verdicts people wrote in
`same_name_audit.tsv` (name, person_a, person_b, verdict: one / two / unsure, evidence).
"""

from __future__ import annotations

import argparse
import csv
import random
from collections import Counter
from pathlib import Path

from labscout.config import Settings
from labscout.research.identity_checks import SameNamePair, same_name_overlap
from labscout.research.store import ResearchStore

LABELS = Path(__file__).with_name("same_name_audit.tsv")
VERDICTS = ("one", "two", "unsure")


def read_labels(path: Path) -> dict[tuple[str, str], str]:
    """Verdicts by person pair; raises ValueError naming the line of a bad one."""
    found: dict[tuple[str, str], str] = {}
    if not path.exists():
        return found
    with path.open(encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle, delimiter="\t"), start=2):
            verdict = (row.get("verdict") or "").strip()
            if verdict not in VERDICTS:
                raise ValueError(f"{path}:{line}: verdict {verdict!r} is not one of {', '.join(VERDICTS)}")
            a, b = sorted(((row.get("person_a") or "").strip(), (row.get("person_b") or "").strip()))
            found[(a, b)] = verdict
    return found


def _papers(store: ResearchStore, person: str) -> list[str]:
    rows = store.con.execute("""
        SELECT p.year, v.name, coalesce(o.name, a.raw_affiliation, '-'), p.title,
               (SELECT string_agg(b.raw_name, '; ' ORDER BY b.author_order) FROM authorships b
                WHERE b.paper_id = a.paper_id AND b.author_order <> a.author_order) AS coauthors
        FROM authorships a JOIN papers p USING (paper_id) JOIN venues v ON v.venue = p.venue
        LEFT JOIN organisations o ON o.org_id = a.org_id
        WHERE a.person_id = ? ORDER BY p.year, p.title""", [person]).fetchall()
    return [f"{year} {venue} | {org} | {(co or '')[:110]} | {title[:80]}" for year, venue, org, title, co in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", type=Path, default=None, help="the research store (default: LABSCOUT_HOME's)")
    parser.add_argument("--sample", type=int, default=30)
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument("--labels", type=Path, default=LABELS)
    parser.add_argument("--worksheet", action="store_true", help="print the sampled pairs' papers, blind")
    args = parser.parse_args()
    path = args.store or Settings.from_env().research_store
    with ResearchStore(path) as store:
        overlap = same_name_overlap(store, examples=1_000_000)
        pairs: list[SameNamePair] = list(overlap.examples)
        drawn = sorted(random.Random(args.seed).sample(pairs, min(args.sample, len(pairs))),
                       key=lambda p: (p.name, p.person_a))
        if args.worksheet:
            print(f"{len(drawn)} of {overlap.pairs} same-name pairs sharing {overlap.min_shared}+ co-authors "
                  "(verdict: one person, two people, or unsure)")
            for pair in drawn:
                print(f"\n{pair.name}\t{pair.person_a}\t{pair.person_b}")
                for person in (pair.person_a, pair.person_b):
                    for line in _papers(store, person)[:25]:
                        print(f"  {person}  {line}")
            return
    verdicts = read_labels(args.labels)
    found = Counter(verdicts.get(tuple(sorted((p.person_a, p.person_b))), "unlabelled") for p in drawn)
    print(f"{overlap.pairs} same-name pairs (3+ papers each) share {overlap.min_shared}+ co-authors; "
          f"{len(drawn)} drawn (seed {args.seed}): {found['two']} two people, {found['one']} one person, "
          f"{found['unsure']} unsure, {found['unlabelled']} unlabelled")


if __name__ == "__main__":
    main()
