"""relu by clamp: forbidden (the built-in does the whole job).

expect-fail: relu_matches_reference
expect-feedback: clamp
expect-credit: relu_matches_reference = 0.0
"""
import math

import torch


def relu(x):
    return x.clamp(min=0)


def flatten(x):
    if x.dim() < 2:
        raise ValueError(f"x must have at least 2 dimensions, got shape {tuple(x.shape)}")
    return x.reshape(x.shape[0], math.prod(x.shape[1:]))


def dropout(x, p, training=True, generator=None):
    if not 0 <= p <= 1:
        raise ValueError(f"p must be a probability in [0, 1], got {p}")
    if not training or p == 0:
        return x
    if p == 1:
        return torch.zeros_like(x)
    keep = torch.rand(x.shape, generator=generator) >= p
    return x * keep.to(x.dtype) * (1 / (1 - p))
