"""How far the identity gold itself is from the truth: OpenReview ids that are one person's two profiles.

    .venv/bin/python bench/identity_gold.py [--data ../shared/data/paperlists] [--list 20]

`labscout eval identity` scores person resolution against OpenReview ids, but one person sometimes holds two
profiles (~Ion_Stoica1 and ~Ion_Stoica2): joining them is right and still counts against precision. This
measures that with evidence the resolver never sees, the profile links some files print per author slot:
two ids sharing a dblp person page, Google Scholar profile or ORCID are one person; two ids with different
dblp person ids (dblp numbers homonyms "36/7024-1", "36/7024-2") are two. It prints:

* among all pairs of ids carrying one normalised name, where both have links: how many are one person;
* among the pairs of ids the resolver put into one person, where both have links: the same split;
* precision and recall against the raw ids and against the ids with the proven duplicates joined.
"""

from __future__ import annotations

import argparse
import itertools
import re
from collections import Counter, defaultdict
from pathlib import Path

from labscout.identity.bcubed import bcubed
from labscout.identity.cluster import resolve_people
from labscout.identity.eval import hidden_id_mentions, id_carrying_files
from labscout.identity.names import normalise_name
from labscout.sources.records import PaperRecord

_SCHOLAR = re.compile(r"(?:user=)?([\w-]{12})(?:&|$)")
_DBLP_PID = re.compile(r"^\d+/\d+(?:-\d+)?$")
_ORCID = re.compile(r"(\d{4}-\d{4}-\d{4}-\d{3}[\dx])")


def profile_keys(links: dict[str, str]) -> set[str]:
    """Normalised person-page keys of one author slot: 'dblp:36/7024-1', 'scholar:q7nftucaaaaj', 'orcid:...'."""
    keys: set[str] = set()
    dblp = links.get("dblp", "").strip().lower()
    dblp = re.sub(r"^https?://[^/]+/", "", dblp)
    dblp = re.sub(r"^(?:pid/|pers/(?:hd/)?)", "", dblp).removesuffix(".html").strip("/")
    if dblp and "?" not in dblp:
        keys.add("dblp:" + dblp)
    found = _SCHOLAR.search(links.get("google_scholar", "").strip().lower())
    if found:
        keys.add("scholar:" + found.group(1))
    orcid = _ORCID.search(links.get("orcid", "").lower())
    if orcid:
        keys.add("orcid:" + orcid.group(1))
    return keys


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=Path("../shared/data/paperlists"))
    parser.add_argument("--list", type=int, default=0, help="also list this many joined id pairs with links")
    args = parser.parse_args()
    records: list[PaperRecord] = [r for rs in id_carrying_files([args.data]).values() for r in rs]
    mentions, refs = hidden_id_mentions(records)
    labels = resolve_people(mentions).labels
    keys: dict[str, set[str]] = defaultdict(set)
    names: dict[str, set[str]] = defaultdict(set)
    gold_idx = [i for i, ref in enumerate(refs) if ref.author.openreview_id]
    for i in gold_idx:
        author = refs[i].author
        assert author.openreview_id is not None
        keys[author.openreview_id] |= profile_keys(author.links)
        names[author.openreview_id].add(normalise_name(author.name))

    by_name: dict[str, set[str]] = defaultdict(set)
    for person, spellings in names.items():
        for spelling in spellings:
            by_name[spelling].add(person)
    same_name_pairs = {pair for ids in by_name.values() for pair in itertools.combinations(sorted(ids), 2)}
    joined: Counter[tuple[str, str]] = Counter()
    by_label: dict[int, set[str]] = defaultdict(set)
    for i in gold_idx:
        by_label[labels[i]].add(str(refs[i].author.openreview_id))
    for ids in by_label.values():
        for pair in itertools.combinations(sorted(ids), 2):
            joined[pair] += 1

    def tally(pairs: set[tuple[str, str]] | Counter[tuple[str, str]]) -> Counter[str]:
        counts: Counter[str] = Counter()
        for a, b in pairs:
            if keys[a] and keys[b]:
                counts["both have links"] += 1
                counts[verdict(keys[a], keys[b]) or "undecided"] += 1
        counts["pairs"] = len(pairs)
        return counts

    print("pairs of ids with one normalised name:", dict(tally(same_name_pairs)))
    print("pairs of ids the resolver joined:     ", dict(tally(joined)))

    parent = {person: person for person in names}

    def root(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    proven = [p for p in same_name_pairs | set(joined) if keys[p[0]] and keys[p[1]]
              and verdict(keys[p[0]], keys[p[1]]) == "same"]
    for a, b in proven:
        parent[root(a)] = root(b)
    gold = [str(refs[i].author.openreview_id) for i in gold_idx]
    predicted = [labels[i] for i in gold_idx]
    raw, cleaned = bcubed(predicted, gold), bcubed(predicted, [root(g) for g in gold])
    print(f"against the raw ids:                  P {raw.precision:.4f}  R {raw.recall:.4f}  F1 {raw.f1:.4f}")
    print(f"with {len(proven)} proven duplicate pairs joined: P {cleaned.precision:.4f}  R {cleaned.recall:.4f}"
          f"  F1 {cleaned.f1:.4f}")
    if args.list:
        shown = [p for p in joined if keys[p[0]] and keys[p[1]]][: args.list]
        for a, b in shown:
            print(f"  {a:<32} {b:<32} {verdict(keys[a], keys[b]) or 'undecided'}")


if __name__ == "__main__":
    main()
