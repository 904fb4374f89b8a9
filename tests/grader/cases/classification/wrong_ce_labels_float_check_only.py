"""cross_entropy that rejects float labels (labels.is_floating_point()) but lets other integer dtypes through:
int32 labels index the log-probabilities as int64 ones do, where F.cross_entropy and the contract demand int64.

expect-fail: cross_entropy_errors
expect-feedback: labels not int64 of shape (N,) ✗
expect-feedback: labels of an integer dtype other than int64
expect-credit: cross_entropy_errors = 0.733
"""
import torch


def cross_entropy(logits, labels):
    if logits.dim() != 2:
        raise ValueError(f"logits must be 2-D (N, C), got shape {tuple(logits.shape)}")
    n, n_classes = logits.shape
    if labels.is_floating_point():
        raise ValueError(f"labels must be integer class indices, got dtype {labels.dtype}")
    if tuple(labels.shape) != (n,):
        raise ValueError(f"labels must have shape ({n},), got {tuple(labels.shape)}")
    if n and (labels.min() < 0 or labels.max() >= n_classes):
        raise ValueError(f"labels must be class indices in [0, {n_classes})")
    log_probs = log_softmax(logits, dim=1)
    return -log_probs[torch.arange(n), labels].mean()
