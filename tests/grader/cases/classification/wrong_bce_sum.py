"""binary_cross_entropy that sums the element losses instead of averaging them.

expect-fail: binary_cross_entropy_matches_reference
expect-feedback: it sums over the elements
expect-credit: binary_cross_entropy_matches_reference = 0.0
"""
import torch


def binary_cross_entropy(probs, labels):
    if probs.shape != labels.shape:
        raise ValueError("probs and labels must have the same shape")
    if (probs < 0).any() or (probs > 1).any():
        raise ValueError("probs must be in [0, 1]")
    log_p = torch.log(probs).clamp(min=-100)
    log_not_p = torch.log(1 - probs).clamp(min=-100)
    return -(labels * log_p + (1 - labels) * log_not_p).sum()
