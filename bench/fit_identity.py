"""Fit the person-resolution weights (features.FITTED) and show how they do on held-out names.

The OpenReview ids of the id-carrying files are hidden from resolution and used only as labels. Names are
split in two by a hash: the weights are fitted on pairs of mentions of the first half's names (up to 300
pairs per name, so prolific names do not dominate), and the figures are reported for each half
separately. (Fitting on the group pairs met while clustering was tried and is worse: those pairs are
selected by the weights themselves, and the fit turned organisation and topic evidence negative.)

    .venv/bin/python bench/fit_identity.py [--data ../shared/data/paperlists] [--margin 1.0]
"""

from __future__ import annotations

import argparse
import math
import random
import zlib
from pathlib import Path

import numpy as np

from labscout.identity import features, orgs
from labscout.identity.cluster import resolve_people
from labscout.identity.eval import ambiguous_subset, bcubed
from labscout.identity.mentions import build_mentions
from labscout.identity.names import normalise_name
from labscout.sources import paperlists, registry


def half_of(name: str) -> int:
    return zlib.crc32(normalise_name(name).encode()) % 2


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1e-2, steps: int = 40) -> np.ndarray:
    """Newton's method for L2-regularised logistic regression; the last coefficient is the bias."""
    xb = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(xb.shape[1])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-np.clip(xb @ w, -30, 30)))
        grad = xb.T @ (p - y) + l2 * w
        hess = (xb * (p * (1 - p))[:, None]).T @ xb + l2 * np.eye(len(w))
        w -= np.linalg.solve(hess, grad)
    return w


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=Path("../shared/data/paperlists"))
    parser.add_argument("--margin", type=float, default=features.Weights().margin)
    args = parser.parse_args()
    records, all_names = [], []
    for path in registry.discover_files([args.data]):
        file_records = list(paperlists.iter_records(path, skip_bad=True, skipped=[]))
        all_names.extend(a.name for r in file_records for a in r.authors)
        if any(a.openreview_id for r in file_records for a in r.authors):
            records.extend(file_records)
    resolver = orgs.OrgResolver()

    def org_of(raw: str | None, domain: str | None) -> str | None:
        found = resolver.resolve(raw, domain) if raw or domain else None
        return found.org.org_id if found else None

    mentions, refs = build_mentions(records, org_of, use_ids=False,
                                    usable_domain=lambda d: not orgs.is_generic_domain(d))
    gold = [r.author.openreview_id for r in refs]
    halves = [half_of(m.name) for m in mentions]
    idf = features.topic_idf(mentions)
    stats = features.NameStats.from_names(m.name for m in mentions)
    by_name: dict[str, list[int]] = {}
    for i, m in enumerate(mentions):
        if gold[i] and halves[i] == 0:
            by_name.setdefault(normalise_name(m.name), []).append(i)
    rng = random.Random(0)
    rows: list[list[float]] = []
    labels: list[float] = []
    cap = features.Weights().coauthor_cap
    for name, idx in sorted(by_name.items()):
        pairs = [(a, b) for k, a in enumerate(idx) for b in idx[k + 1:] if mentions[a].paper != mentions[b].paper]
        if len(pairs) > 300:
            pairs = rng.sample(pairs, 300)
        log_people = math.log(max(stats.expected_people({name}), 1e-6))
        for a, b in pairs:
            fa = features.ClusterFeatures.of([a], mentions, idf)
            fb = features.ClusterFeatures.of([b], mentions, idf)
            rows.append(features.pair_vector(fa, fb, log_people, cap, stats))
            labels.append(1.0 if gold[a] == gold[b] else 0.0)
    w = fit_logistic(np.array(rows), np.array(labels))
    fitted = {"bias": round(float(w[-1]), 3)}
    fitted.update({name: round(float(v), 3) for name, v in zip(features.FEATURES, w[:-1], strict=True)})
    print(f"{len(rows):,} mention pairs, {np.mean(labels):.2f} positive")
    print("FITTED =", fitted)
    weights = features.Weights(coefficients=fitted, margin=args.margin)
    resolution = resolve_people(mentions, weights)
    print(f"\n{'names':<10}{'method':<10}{'P':>8}{'R':>8}{'F1':>8}{'amb P':>8}{'amb R':>8}{'amb F1':>8}")
    for half, label in ((0, "fitted"), (1, "held out"), (None, "all")):
        idx = [i for i in range(len(mentions)) if gold[i] and (half is None or halves[i] == half)]
        g = [gold[i] for i in idx]
        names = [mentions[i].name for i in idx]
        amb = ambiguous_subset(names, g)
        for method, pred in (("baseline", names), ("labscout", [resolution.labels[i] for i in idx])):
            a, b = bcubed(pred, g), bcubed(pred, g, amb)
            print(f"{label:<10}{method:<10}{a.precision:>8.4f}{a.recall:>8.4f}{a.f1:>8.4f}"
                  f"{b.precision:>8.4f}{b.recall:>8.4f}{b.f1:>8.4f}")


if __name__ == "__main__":
    main()
