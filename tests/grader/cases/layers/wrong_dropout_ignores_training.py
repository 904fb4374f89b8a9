"""dropout that drops even when training=False.
Off at test time is what dropout's identity check is about (its core part): nothing of it is left.

expect-fail: dropout_identity_and_extremes
expect-feedback: training=False
expect-credit: dropout_identity_and_extremes = 0.0
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
    if not 0 <= p <= 1:
        raise ValueError(f"p must be in [0, 1], got {p}")
    if p == 0:
        return x.clone()
    if p == 1:
        return torch.zeros_like(x)
    keep = torch.rand(x.shape, generator=generator) >= p
    return x * keep / (1 - p)
