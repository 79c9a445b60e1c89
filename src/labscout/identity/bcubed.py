"""B-cubed precision, recall and F1 of a clustering against gold labels."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class BCubed:
    precision: float
    recall: float
    f1: float
    mentions: int


def bcubed(predicted: Sequence[Hashable], gold: Sequence[Hashable],
           subset: Sequence[int] | None = None) -> BCubed:
    """B-cubed over mentions: each mention scores the overlap of its predicted and its gold cluster.

    `subset` restricts which mentions are averaged (the clusters themselves stay whole), as when scoring
    only the mentions whose name several people share.
    """
    if len(predicted) != len(gold):
        raise ValueError("predicted and gold must label the same mentions")
    pairs: Counter[tuple[Hashable, Hashable]] = Counter(zip(predicted, gold, strict=True))
    pred_size = Counter(predicted)
    gold_size = Counter(gold)
    chosen = range(len(gold)) if subset is None else subset
    p_sum = r_sum = 0.0
    count = 0
    for i in chosen:
        both = pairs[(predicted[i], gold[i])]
        p_sum += both / pred_size[predicted[i]]
        r_sum += both / gold_size[gold[i]]
        count += 1
    if count == 0:
        return BCubed(0.0, 0.0, 0.0, 0)
    precision, recall = p_sum / count, r_sum / count
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return BCubed(precision, recall, f1, count)
