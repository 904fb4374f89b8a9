"""cross_entropy and binary_cross_entropy without the minus sign: the mean log-likelihood, not its negative.

expect-fail: cross_entropy_matches_reference, cross_entropy_large_logits, cross_entropy_ufrn_example
expect-fail: binary_cross_entropy_matches_reference
expect-feedback: the sign is wrong
expect-credit: cross_entropy_matches_reference = 0.0
expect-credit: cross_entropy_large_logits = 0.0
expect-credit: cross_entropy_ufrn_example = 0.0
expect-credit: binary_cross_entropy_matches_reference = 0.0
"""
import torch


def cross_entropy(logits, labels):
    if logits.dim() != 2 or labels.dtype != torch.int64 or tuple(labels.shape) != (logits.shape[0],):
        raise ValueError("logits must be (N, C) and labels int64 of shape (N,)")
    n, n_classes = logits.shape
    if (labels < 0).any() or (labels >= n_classes).any():
        raise ValueError("labels must be in [0, C)")
    return log_softmax(logits, dim=1)[torch.arange(n), labels].mean()


def binary_cross_entropy(probs, labels):
    if probs.shape != labels.shape:
        raise ValueError("probs and labels must have the same shape")
    if (probs < 0).any() or (probs > 1).any():
        raise ValueError("probs must be in [0, 1]")
    return (labels * torch.log(probs).clamp(min=-100) + (1 - labels) * torch.log(1 - probs).clamp(min=-100)).mean()
