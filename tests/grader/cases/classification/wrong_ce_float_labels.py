"""cross_entropy that converts float labels with .long() instead of rejecting them (labels are int64 indices).

expect-fail: cross_entropy_errors
expect-feedback: should raise ValueError
expect-feedback: float labels are converted
expect-credit: cross_entropy_errors = 0.733
"""
import torch


def cross_entropy(logits, labels):
    if logits.dim() != 2:
        raise ValueError(f"logits must be 2-D (N, C), got shape {tuple(logits.shape)}")
    n, n_classes = logits.shape
    labels = labels.long()
    if tuple(labels.shape) != (n,):
        raise ValueError(f"labels must have shape ({n},), got {tuple(labels.shape)}")
    if n and (labels.min() < 0 or labels.max() >= n_classes):
        raise ValueError(f"labels must be class indices in [0, {n_classes})")
    return -log_softmax(logits, dim=1)[torch.arange(n), labels].mean()
