"""Person resolution against the truth rather than the ids, estimated from a hand-labelled random sample.

    .venv/bin/python bench/identity_audit.py [--data ../shared/data/paperlists] [--margin 1.0]
    .venv/bin/python bench/identity_audit.py --worksheet      # sampled pairs nobody has labelled yet
    .venv/bin/python bench/identity_audit.py --mixed [--worksheet]  # the same in the mixed regime

`labscout eval identity` scores against OpenReview ids, and the ids are not the truth: one person sometimes
holds two profiles (~Ion_Stoica1, ~Ion_Stoica2), so joining them costs precision it should not, and keeping
them apart costs nothing it should. How much of each is in the figures takes a person's judgment, so this
samples id pairs, people label each pair in `identity_audit.tsv` (same, different or unsure, with the
evidence read), and the script turns the labels into estimates with 95% intervals:

* joined: pairs of ids the resolver put into one person, sampled with probability proportional to the
  precision they cost against the ids. B-cubed precision loss splits exactly into such pairs (2ab/n for a
  and b mentions of the two ids in a cluster of n), so the loss against the truth is the loss against the
  ids times the loss-weighted share of pairs labelled different.
* apart: pairs of ids carrying one normalised name, never in one cluster and never on one paper, sampled
  with probability proportional to the recall they would cost if they were one person. The recall against
  the truth is the recall against the ids minus those units times the share labelled same.

Shares come from the pairs decided either way; a second figure counts every unsure pair against LabScout.

With `--mixed` the resolver's clusters are those of the mixed regime (`labscout eval identity`: the whole
corpus, OpenReview ids kept, re-issued under another namespace or removed per third of their files); the
pairs and the labels are the same kind, so a pair labelled for one regime counts for the other.

Sampling is Poisson with a hash of each pair as its random number, so two resolvers (say two margins) share
most of their samples and a variant costs only its new pairs' labels. The worksheet is blind: it shows each
pair's papers, co-authors, organisations and years, as a recruiter would see them, and not whether the
resolver joined them. The verdicts are human (or a careful reader's) judgments, kept with the evidence
relied on so that anyone can dispute one.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import math
import random
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from labscout.identity.bcubed import bcubed
from labscout.identity.cluster import Mention
from labscout.identity.eval import read_files, resolve_hidden_ids, resolve_mixed, same_name_id_pairs
from labscout.identity.features import Weights
from labscout.identity.mentions import MentionRef

LABELS = Path(__file__).with_name("identity_audit.tsv")
VERDICTS = ("same", "different", "unsure")
Pair = tuple[str, str]


def joined_pair_losses(predicted: Sequence[int], gold: Sequence[str]) -> dict[Pair, float]:
    """B-cubed precision loss (in mentions) of each pair of gold ids sharing a predicted cluster."""
    clusters: dict[int, Counter[str]] = defaultdict(Counter)
    for label, person in zip(predicted, gold, strict=True):
        clusters[label][person] += 1
    losses: dict[Pair, float] = defaultdict(float)
    for counts in clusters.values():
        size = sum(counts.values())
        people = sorted(counts)
        for k, a in enumerate(people):
            for b in people[k + 1:]:
                losses[(a, b)] += 2 * counts[a] * counts[b] / size
    return dict(losses)


def apart_pair_losses(predicted: Sequence[int], gold: Sequence[str], names: Sequence[str],
                      papers: Sequence[str]) -> dict[Pair, float]:
    """Recall (in mentions) each pair of one-name ids kept wholly apart would lose if they were one person.

    Pairs that share a cluster or a paper are left out: the first are the joined sample's, the second are two
    people whatever else they share. Taking A and B as one person lowers the recall of each mention of A from
    n(c, A)/|A| to n(c, A)/(|A| + |B|), summed over A's clusters c, and the same for B.
    """
    per_cluster: dict[str, Counter[int]] = defaultdict(Counter)
    for label, person in zip(predicted, gold, strict=True):
        per_cluster[person][label] += 1
    size = {person: sum(c.values()) for person, c in per_cluster.items()}
    squares = {person: sum(n * n for n in c.values()) for person, c in per_cluster.items()}
    losses: dict[Pair, float] = {}
    for a, b in sorted(same_name_id_pairs(gold, names, papers)):
        if per_cluster[a].keys() & per_cluster[b].keys():
            continue
        both = size[a] + size[b]
        losses[(a, b)] = squares[a] * (1 / size[a] - 1 / both) + squares[b] * (1 / size[b] - 1 / both)
    return losses


def sample(losses: dict[Pair, float], expected: float, seed: int) -> dict[Pair, float]:
    """A Poisson sample of about `expected` pairs, each kept with probability proportional to its loss.

    Each pair's random number is a hash of the pair and the seed, so the samples drawn for two resolvers
    keep the pairs they share (and their verdicts): labelling a variant costs only its new pairs.
    Returns each sampled pair's inclusion probability.
    """
    total = sum(losses.values())
    kept: dict[Pair, float] = {}
    for pair, loss in losses.items():
        chance = min(1.0, expected * loss / total)
        digest = hashlib.blake2b(f"{seed}\t{pair[0]}\t{pair[1]}".encode(), digest_size=8).digest()
        if int.from_bytes(digest, "big") / 2**64 < chance:
            kept[pair] = chance
    return kept


def wilson(hits: float, n: int, z: float = 1.96) -> tuple[float, float]:
    """The Wilson score interval of a share (95% by default): sound at small n and at 0 or n hits."""
    if n == 0:
        return 0.0, 1.0
    p = hits / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True, slots=True)
class Estimate:
    """A B-cubed figure against the truth: from the decided pairs, and with the unsure ones counted against."""

    against_ids: float
    value: float
    low: float
    high: float
    cautious: float
    counts: dict[str, int]
    unlabelled: int


def estimate(against_ids: float, base: float, losses: dict[Pair, float], mentions: int,
             drawn: dict[Pair, float], labels: dict[Pair, str], real: str) -> Estimate:
    """`base` minus the loss at stake times the loss-weighted share of sampled pairs whose loss is `real`.

    Precision: base 1, `losses` the joined pairs' (the whole loss against the ids), real 'different'.
    Recall: base the recall against the ids, `losses` the apart pairs', real 'same'. The value and its
    95% interval (Wilson's) use the pairs labelled same or different; `cautious` also counts every unsure
    pair's loss as real. Shares weight each pair by loss / inclusion probability (Hajek).
    """
    labelled = [p for p in drawn if p in labels]
    weight = {p: losses[p] / drawn[p] for p in labelled}
    decided = [p for p in labelled if labels[p] != "unsure"]

    def share(pairs: Sequence[Pair], hits: Iterable[str]) -> float:
        wanted = set(hits)
        total = sum(weight[p] for p in pairs)
        return sum(weight[p] for p in pairs if labels[p] in wanted) / total if total else 0.0

    central = share(decided, (real,))
    low_share, high_share = wilson(central * len(decided), len(decided))
    units = sum(losses.values())

    def figure(s: float) -> float:
        return base - units * s / mentions

    return Estimate(against_ids, figure(central), figure(high_share), figure(low_share),
                    figure(share(labelled, (real, "unsure"))), dict(Counter(labels[p] for p in labelled)),
                    len(drawn) - len(labelled))


def ceiling(losses: dict[Pair, float], sizes: dict[str, int], mentions: int, drawn: dict[Pair, float],
            labels: dict[Pair, str], rounds: int = 2000, seed: int = 1) -> tuple[float, float, float]:
    """Precision against the ids of a resolver exactly right about the people behind the joined pairs.

    Such a resolver joins every pair of one person's two profiles, alone: a pair of a and b mentions then
    costs 2ab/(a+b) against the ids. The total is estimated like `estimate`'s share, from the decided pairs
    (the loss at stake times the weighted cost of the pairs labelled same over the weighted loss of all),
    with a 95% bootstrap interval over those pairs (fixed by `seed`). Returns value, low, high.
    """
    decided = sorted(p for p in drawn if labels.get(p) in ("same", "different"))
    units = sum(losses.values())

    def figure(pairs: Sequence[Pair]) -> float:
        at_stake = sum(losses[p] / drawn[p] for p in pairs)
        cost = sum(2 * sizes[a] * sizes[b] / (sizes[a] + sizes[b]) / drawn[(a, b)]
                   for a, b in pairs if labels[(a, b)] == "same")
        return 1.0 - units * cost / at_stake / mentions if at_stake else 1.0

    rng = random.Random(seed)
    spread = sorted(figure([rng.choice(decided) for _ in decided]) for _ in range(rounds)) if decided else [1.0]
    return figure(decided), spread[int(0.025 * len(spread))], spread[int(0.975 * len(spread)) - 1]


def read_labels(path: Path) -> dict[Pair, str]:
    """Verdicts by id pair (either order in the file); raises ValueError naming the line of a bad one."""
    labels: dict[Pair, str] = {}
    if not path.exists():
        return labels
    with path.open(encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle, delimiter="\t"), start=2):
            verdict = (row.get("verdict") or "").strip()
            if verdict not in VERDICTS:
                raise ValueError(f"{path}:{line}: verdict {verdict!r} is not one of {', '.join(VERDICTS)}")
            a, b = sorted(((row.get("id_a") or "").strip(), (row.get("id_b") or "").strip()))
            labels[(a, b)] = verdict
    return labels


def _worksheet(pairs: Iterable[Pair], evidence: dict[str, list[str]]) -> None:
    # Blind: nothing says whether the resolver joined the pair, so the verdict cannot lean on it.
    for a, b in sorted(pairs):
        print(f"\n{a}\t{b}")
        for person in (a, b):
            for line in evidence[person][:8]:
                print(f"  {person:<26} {line}")


def _evidence(mention: Mention, ref: MentionRef) -> str:
    record = ref.record
    orgs = mention.org or ("paper: " + ", ".join(mention.paper_orgs[:3]) if mention.paper_orgs else "-")
    return (f"{record.venue} {record.year} | {orgs} | {mention.domain or '-'} | "
            f"{'; '.join(mention.coauthors[:6])} | {record.title[:90]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=Path("../shared/data/paperlists"))
    parser.add_argument("--joined", type=int, default=100, help="joined id pairs to sample (expected)")
    parser.add_argument("--apart", type=int, default=100, help="one-name id pairs kept apart to sample (expected)")
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--labels", type=Path, default=LABELS)
    parser.add_argument("--margin", type=float, default=None, help="resolve with this merge margin instead")
    parser.add_argument("--worksheet", action="store_true", help="print the unlabelled sampled pairs' papers")
    parser.add_argument("--mixed", action="store_true", help="audit the mixed regime's clusters")
    args = parser.parse_args()

    weights = Weights() if args.margin is None else Weights(margin=args.margin)
    if args.mixed:
        mixed = resolve_mixed(read_files([args.data]), weights)
        mentions, refs, gold_idx, gold = mixed.mentions, mixed.refs, mixed.scored, mixed.raw
        predicted, names, papers = mixed.predicted, mixed.names, mixed.papers
    else:
        run = resolve_hidden_ids([args.data], weights)
        mentions, refs, gold_idx, gold, predicted = run.mentions, run.refs, run.gold_idx, run.gold, run.predicted
        names, papers = run.names, run.papers
    against_ids = bcubed(predicted, gold)
    joined = joined_pair_losses(predicted, gold)
    apart = apart_pair_losses(predicted, gold, names, papers)
    joined_sample = sample(joined, args.joined, args.seed)
    apart_sample = sample(apart, args.apart, args.seed + 1)
    verdicts = read_labels(args.labels)

    if args.worksheet:
        evidence: dict[str, list[str]] = defaultdict(list)
        for i, person in zip(gold_idx, gold, strict=True):
            evidence[person].append(_evidence(mentions[i], refs[i]))
        todo = [p for p in [*joined_sample, *apart_sample] if p not in verdicts]
        print(f"{len(todo)} sampled pairs have no verdict in {args.labels}")
        _worksheet(todo, evidence)
        return

    n = len(gold)
    precision = estimate(against_ids.precision, 1.0, joined, n, joined_sample, verdicts, real="different")
    recall = estimate(against_ids.recall, against_ids.recall, apart, n, apart_sample, verdicts, real="same")
    print(f"{n:,} mentions with ids; labels from {args.labels.name}")
    print(f"joined: {len(joined):,} id pairs cost {sum(joined.values()):.1f} mentions of precision; "
          f"{len(joined_sample)} sampled: {precision.counts}, {precision.unlabelled} unlabelled")
    print(f"apart:  {len(apart):,} one-name id pairs would cost {sum(apart.values()):.1f} mentions of recall; "
          f"{len(apart_sample)} sampled: {recall.counts}, {recall.unlabelled} unlabelled")
    for label, found in (("precision", precision), ("recall", recall)):
        print(f"{label:<9} against the ids {found.against_ids:.4f}; against the truth, estimated "
              f"{found.value:.4f} (95% {found.low:.4f} to {found.high:.4f}), {found.cautious:.4f} if every "
              "unsure pair went against LabScout")
    best, low, high = ceiling(joined, Counter(gold), n, joined_sample, verdicts)
    print(f"a resolver exactly right about those people would score precision {best:.4f} (95% {low:.4f} to "
          f"{high:.4f}) against the ids")


if __name__ == "__main__":
    main()
