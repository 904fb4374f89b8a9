"""binary_cross_entropy with only the y * log(p) term (the multiclass formula applied to one probability).

expect-fail: binary_cross_entropy_matches_reference
expect-feedback: only the y * log(p) term
expect-credit: binary_cross_entropy_matches_reference = 0.0
"""
import torch


def binary_cross_entropy(probs, labels):
    if probs.shape != labels.shape:
        raise ValueError("probs and labels must have the same shape")
    if (probs < 0).any() or (probs > 1).any():
        raise ValueError("probs must be in [0, 1]")
    return -(labels * torch.log(probs).clamp(min=-100)).mean()
