"""cross_entropy that compares only the number of labels with N: (2, 1) labels pass and pick a (2, 2) table.

expect-fail: cross_entropy_errors
expect-feedback: should raise ValueError
expect-feedback: only the number of labels is compared
expect-credit: cross_entropy_errors = 0.733
"""
import torch


def cross_entropy(logits, labels):
    if logits.dim() != 2:
        raise ValueError(f"logits must be 2-D (N, C), got shape {tuple(logits.shape)}")
    n, n_classes = logits.shape
    if labels.dtype != torch.int64:
        raise ValueError(f"labels must be an int64 tensor, got dtype {labels.dtype}")
    if len(labels) != n:
        raise ValueError(f"expected {n} labels, got {len(labels)}")
    if n and (labels.min() < 0 or labels.max() >= n_classes):
        raise ValueError(f"labels must be class indices in [0, {n_classes})")
    return -log_softmax(logits, dim=1)[torch.arange(n), labels].mean()
