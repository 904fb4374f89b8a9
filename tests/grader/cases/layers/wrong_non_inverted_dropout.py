"""dropout that zeroes elements but does not scale the survivors (the original, non-inverted dropout).

expect-fail: dropout_mask_values
expect-feedback: not scaled
expect-credit: dropout_mask_values = 0.0
"""
import math

import torch


def relu(x):
    return torch.where(x < 0, torch.zeros_like(x), x)


def flatten(x):
    if x.dim() < 2:
        raise ValueError(f"x must have at least 2 dimensions, got shape {tuple(x.shape)}")
    return x.reshape(x.shape[0], math.prod(x.shape[1:]))


def dropout(x, p, training=True, generator=None):
    if p < 0 or p > 1:
        raise ValueError(f"p must be in [0, 1], got {p}")
    if not training:
        return x
    mask = torch.rand(x.shape, generator=generator) >= p
    return x * mask
