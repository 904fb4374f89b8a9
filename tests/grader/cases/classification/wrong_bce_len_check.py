"""binary_cross_entropy that compares the element counts only: (3,) and (3, 1) pass and broadcast to (3, 3).

expect-fail: binary_cross_entropy_errors
expect-feedback: should raise ValueError
expect-feedback: only the lengths (or element counts) are compared
expect-credit: binary_cross_entropy_errors = 0.6
"""
import torch


def binary_cross_entropy(probs, labels):
    if probs.numel() != labels.numel():
        raise ValueError("probs and labels must have as many elements")
    if not ((probs >= 0) & (probs <= 1)).all():
        raise ValueError("probs must be probabilities in [0, 1]")
    log_p = torch.log(probs).clamp(min=-100)
    log_not_p = torch.log1p(-probs).clamp(min=-100)
    return -(labels * log_p + (1 - labels) * log_not_p).mean()
