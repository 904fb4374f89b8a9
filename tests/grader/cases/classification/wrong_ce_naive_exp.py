"""cross_entropy straight from the definition: -log(exp(x[label]) / sum(exp(x))), no max shift.

expect-fail: cross_entropy_large_logits
expect-feedback: exp overflows for large logits
expect-credit: cross_entropy_large_logits = 0.0
"""
import torch


def cross_entropy(logits, labels):
    if logits.dim() != 2 or labels.dtype != torch.int64 or tuple(labels.shape) != (logits.shape[0],):
        raise ValueError("logits must be (N, C) and labels int64 of shape (N,)")
    n, n_classes = logits.shape
    if (labels < 0).any() or (labels >= n_classes).any():
        raise ValueError("labels must be in [0, C)")
    exps = torch.exp(logits)
    probs = exps[torch.arange(n), labels] / exps.sum(dim=1)
    return -torch.log(probs).mean()
