"""How right the profile-order pairing is, measured on the files that say the order (`or_profile`).

For every OpenReview export that carries `or_profile` (CoLM, CoRL, AISTATS 2025), the order is hidden and
`sources.profile_slots.pair_in_file` decides which slot is whose, as it must for ICLR 2019-2021, NeurIPS 2021,
ICML 2023-2024 and EMNLP 2023. Each pairing it makes is checked against the order `or_profile` gives; beside
it, what pairing slot i with author i would have got right on the same slots. Then the time it takes on the
files that need it.

    .venv/bin/python bench/profile_order.py [--data ../shared/data/paperlists]
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path

from labscout.sources import paperlists, profile_slots
from labscout.sources.records import AuthorMention

NEEDS_ORDER = ("iclr/iclr2019", "iclr/iclr2020", "iclr/iclr2021", "nips/nips2021", "icml/icml2023",
               "icml/icml2024", "emnlp/emnlp2023")


def _slots(row: dict[str, object]) -> tuple[list[AuthorMention], list[profile_slots.Slot]] | None:
    names = paperlists.split_authors(str(row.get("author") or row.get("authors") or ""))
    authors = [AuthorMention(order=i, name=n) for i, n in enumerate(names)]
    paperlists._attach_ids(authors, str(row.get("authorids") or ""), [])
    pending = paperlists._pending_profile_slots(row, authors)
    if pending is None or not pending.owners:
        return None
    return authors, pending.slots


def measure_file(path: Path) -> Counter[str]:
    rows = [r for r in paperlists.load_array(path) if isinstance(r, dict)]
    papers: list[profile_slots.ProfileSlots] = []
    truths: list[dict[int, int] | None] = []
    for row in rows:
        found = _slots(row)
        if found is None:
            continue
        authors, slots = found
        owners = [a for a in authors if a.openreview_id]
        papers.append(profile_slots.ProfileSlots(owners, slots))
        order = paperlists._profile_order(row, authors)
        truth = None
        if order is not None and len(order) == len(slots) and all(o is not None for o in order):
            truth = {owner.order: slot for slot, owner in enumerate(order) if owner is not None}
        truths.append(truth)
    profile_slots.pair_in_file(papers)
    counts: Counter[str] = Counter()
    for paper, truth in zip(papers, truths, strict=True):
        if truth is None:
            continue
        for k, (owner, slot) in enumerate(zip(paper.owners, paper.org_slot, strict=True)):
            right = paper.slots[truth[owner.order]] if owner.order in truth else None
            if right is None:
                continue
            counts["slots"] += 1
            if k < len(paper.slots):
                counts["author order right"] += paper.slots[k][:2] == right[:2]
            if slot is None:
                counts["left unpaired"] += 1
            else:
                counts["paired"] += 1
                counts["paired right"] += paper.slots[slot][:2] == right[:2]
        for owner, slot in zip(paper.owners, paper.position_slot, strict=True):
            if slot is not None and owner.order in truth:
                counts["positions paired"] += 1
                counts["positions right"] += paper.slots[slot] == paper.slots[truth[owner.order]]
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=Path("../shared/data/paperlists"))
    args = parser.parse_args()
    total: Counter[str] = Counter()
    print(f"{'file':<22}{'slots':>7}{'paired':>8}{'right':>8}{'author order right':>20}")
    for path in sorted(args.data.rglob("*.json")):
        if not any('"or_profile"' in line for line in path.open(encoding="utf-8").readlines()[:3]) \
                and b'"or_profile": "~' not in path.read_bytes()[:2_000_000]:
            continue
        counts = measure_file(path)
        if not counts["slots"]:
            continue
        total += counts
        print(f"{path.name:<22}{counts['slots']:>7}{counts['paired']:>8}"
              f"{counts['paired right'] / max(1, counts['paired']):>8.1%}"
              f"{counts['author order right'] / counts['slots']:>20.1%}")
    print(f"{'all':<22}{total['slots']:>7}{total['paired']:>8}{total['paired right'] / max(1, total['paired']):>8.1%}"
          f"{total['author order right'] / max(1, total['slots']):>20.1%}")
    print(f"positions paired {total['positions paired']}, right "
          f"{total['positions right'] / max(1, total['positions paired']):.1%}")
    started = time.perf_counter()
    for stem in NEEDS_ORDER:
        path = args.data / f"{stem}.json"
        if path.exists():
            list(paperlists.iter_records(path))
    print(f"reading the {len(NEEDS_ORDER)} files that need the order, pairing included: "
          f"{time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
