"""dropout that keeps an element with probability p (mask = rand < p), scaling correctly by 1 / (1 - p).

expect-fail: dropout_rate
expect-feedback: kept with probability p
expect-credit: dropout_rate = 0.0
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
    if not training or p == 0:
        return x
    if p == 1:
        return torch.zeros_like(x)
    keep = torch.rand(x.shape, generator=generator) < p
    return torch.where(keep, x / (1 - p), torch.zeros_like(x))
