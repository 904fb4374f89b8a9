"""dropout that multiplies the input in place (x *= mask) and returns it.

expect-fail: dropout_mask_values
expect-feedback: modified its input in place
expect-feedback: applied to x in place
expect-credit: dropout_mask_values = 0.75
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
    keep = (torch.rand(x.shape, generator=generator) >= p).to(x.dtype)
    x *= keep / (1 - p)
    return x
