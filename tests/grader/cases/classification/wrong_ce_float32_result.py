"""cross_entropy summed in Python floats and returned as torch.tensor(total / n): float32 for float64 logits.
The dtype is judged once, in cross_entropy_matches_reference; the stability check judges the values.

expect-fail: cross_entropy_matches_reference
expect-feedback: dtype float32; expected float64
expect-feedback: float32 whatever the inputs' dtype
expect-credit: cross_entropy_matches_reference = 0.667
"""
import math

import torch


def cross_entropy(logits, labels):
    if logits.dim() != 2:
        raise ValueError(f"logits must be 2-D (N, C), got shape {tuple(logits.shape)}")
    n, n_classes = logits.shape
    if labels.dtype != torch.int64 or tuple(labels.shape) != (n,):
        raise ValueError(f"labels must be int64 of shape ({n},)")
    if n and (labels.min() < 0 or labels.max() >= n_classes):
        raise ValueError(f"labels must be class indices in [0, {n_classes})")
    total = 0.0
    for row, label in zip(logits.tolist(), labels.tolist()):
        m = max(row)
        total += m + math.log(sum(math.exp(v - m) for v in row)) - row[label]
    return torch.tensor(total / n)
