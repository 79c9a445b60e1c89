"""How far the identity gold itself is from the truth: OpenReview ids that are one person's two profiles.

    .venv/bin/python bench/identity_gold.py [--data ../shared/data/paperlists] [--list 20]

`labscout eval identity` scores person resolution against OpenReview ids, but one person sometimes holds two
profiles (~Ion_Stoica1 and ~Ion_Stoica2): joining them is right and still counts against precision. This
measures that with evidence the resolver never sees, the profile links some files print per author slot:
two ids sharing a dblp person page, Google Scholar profile or ORCID are one person; two ids with different
dblp person ids (dblp numbers homonyms "36/7024-1", "36/7024-2") are two. It prints:

* among all pairs of ids carrying one normalised name, where both have links: how many are one person;
* among the pairs of ids the resolver put into one person, where both have links: the same split;
* how a plain rule, "two ids of one name sharing two or more co-authors are one person", agrees with the
  links where they can be checked, since most ids have no links;
* precision and recall against the raw ids, against the ids with the proven duplicates joined, and with
  the rule's duplicates joined too; and the precision against the raw ids of a resolver that were exactly
  right about those people (the ceiling the raw ids allow).
"""

from __future__ import annotations

import argparse
import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path

from networkx.utils import UnionFind

from labscout.identity.bcubed import bcubed
from labscout.identity.eval import resolve_hidden_ids, same_name_id_pairs
from labscout.sources.ids import profile_link_ids

_DBLP_PID = re.compile(r"^\d+/\d+(?:-\d+)?$")


def profile_keys(links: dict[str, str]) -> set[str]:
    """Normalised person-page keys of one author slot: 'dblp:36/7024-1', 'scholar:q7nftucaaaaj', 'orcid:...'."""
    return set(profile_link_ids(links))


def verdict(a: set[str], b: set[str]) -> str:
    """'same' when two ids share a person page; 'different' when dblp tells them apart; else ''.

    dblp tells two people apart when both pages are person ids ("36/7024-1") or when they are one name's
    numbered homonym pages ("h/feihuang" and "h/feihuang-5").
    """
    if a & b:
        return "same"
    dblp_a = {k[5:] for k in a if k.startswith("dblp:")}
    dblp_b = {k[5:] for k in b if k.startswith("dblp:")}
    if not dblp_a or not dblp_b:
        return ""
    if all(_DBLP_PID.match(k) for k in dblp_a | dblp_b):
        return "different"
    homonym = {re.sub(r"-\d+$", "", k) for k in dblp_a} & {re.sub(r"-\d+$", "", k) for k in dblp_b}
    return "different" if homonym else ""


def _joined(pairs: Iterable[tuple[str, str]], people: Iterable[str]) -> dict[str, str]:
    """Each id's representative once the given pairs are taken as one person."""
    sets = UnionFind(people)
    for a, b in pairs:
        sets.union(a, b)
    return {person: sets[person] for person in sets.parents}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=Path("../shared/data/paperlists"))
    parser.add_argument("--list", type=int, default=0, help="also list this many joined id pairs with links")
    args = parser.parse_args()
    run = resolve_hidden_ids([args.data])
    mentions, refs, gold, predicted = run.mentions, run.refs, run.gold, run.predicted
    keys: dict[str, set[str]] = defaultdict(set)
    coauthors: dict[str, set[str]] = defaultdict(set)
    by_label: dict[int, set[str]] = defaultdict(set)
    for i, person, label in zip(run.gold_idx, gold, predicted, strict=True):
        keys[person] |= profile_keys(refs[i].author.links)
        coauthors[person].update(mentions[i].coauthors)
        by_label[label].add(person)
    same_name = same_name_id_pairs(gold, run.names, run.papers)
    joined = {pair for ids in by_label.values() for pair in itertools.combinations(sorted(ids), 2)}

    def checked(pair: tuple[str, str]) -> str:
        a, b = pair
        return (verdict(keys[a], keys[b]) or "undecided") if keys[a] and keys[b] else ""

    def tally(pairs: set[tuple[str, str]]) -> dict[str, int]:
        counts = Counter(found for found in map(checked, pairs) if found)
        return {"pairs": len(pairs), "both have links": sum(counts.values()), **counts}

    print("pairs of ids with one normalised name:", tally(same_name))
    print("pairs of ids the resolver joined:     ", tally(joined))
    rule = {(a, b) for a, b in same_name if len(coauthors[a] & coauthors[b]) >= 2}
    print("pairs the two-co-author rule joins:   ", tally(rule))

    proven = {pair for pair in same_name | joined if checked(pair) == "same"}
    refuted = {pair for pair in rule if checked(pair) == "different"}
    people = set(gold)
    with_links = _joined(proven, people)
    with_rule = _joined(proven | (rule - refuted), people)
    rows = [("the raw ids", gold),
            (f"ids, {len(proven)} proven duplicate pairs joined", [with_links[g] for g in gold]),
            (f"ids, and {len(rule - refuted)} rule pairs joined", [with_rule[g] for g in gold])]
    for label, truth in rows:
        found = bcubed(predicted, truth)
        print(f"LabScout against {label:<40} P {found.precision:.4f}  R {found.recall:.4f}  F1 {found.f1:.4f}")
    ceiling = bcubed([with_rule[g] for g in gold], gold)
    print(f"a resolver exactly right about those people, against the raw ids: P {ceiling.precision:.4f}")
    if args.list:
        for a, b in sorted(p for p in joined if checked(p))[: args.list]:
            print(f"  {a:<32} {b:<32} {checked((a, b))}")


if __name__ == "__main__":
    main()
