"""relu by a Python loop over the values, rebuilt with torch.tensor: float64 inputs come back as float32.
Three features fail: float64, NaN (`v > 0` is false for NaN) and integer tensors.

expect-fail: relu_matches_reference
expect-feedback: dtype float32; expected float64
expect-feedback: float32 whatever the inputs' dtype
expect-credit: relu_matches_reference = 0.56
"""
import math

import torch


def relu(x):
    values = [v if v > 0 else 0.0 for v in x.reshape(-1).tolist()]
    return torch.tensor(values).reshape(x.shape)


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
