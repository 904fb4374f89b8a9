"""cross_entropy as the mean of a one-hot product over all N * C entries (divides by C too many).

expect-fail: cross_entropy_matches_reference, cross_entropy_large_logits, cross_entropy_ufrn_example
expect-feedback: all N * C entries
expect-credit: cross_entropy_matches_reference = 0.0
expect-credit: cross_entropy_large_logits = 0.0
expect-credit: cross_entropy_ufrn_example = 0.0
"""
import torch


def cross_entropy(logits, labels):
    if logits.dim() != 2 or labels.dtype != torch.int64 or tuple(labels.shape) != (logits.shape[0],):
        raise ValueError("logits must be (N, C) and labels int64 of shape (N,)")
    n, n_classes = logits.shape
    if (labels < 0).any() or (labels >= n_classes).any():
        raise ValueError("labels must be in [0, C)")
    one_hot = torch.zeros_like(logits)
    one_hot[torch.arange(n), labels] = 1
    return -(one_hot * log_softmax(logits, dim=1)).mean()
