"""flatten without the dimension check: a 1-D input gives (5, 1) instead of a ValueError.

expect-fail: flatten_errors
expect-feedback: should raise ValueError
expect-feedback: number of dimensions is not checked
expect-credit: flatten_errors = 0.0
"""
import torch


def relu(x):
    return torch.where(x < 0, torch.zeros_like(x), x)


def flatten(x):
    return x.reshape(x.shape[0], -1)


def dropout(x, p, training=True, generator=None):
    if not 0 <= p <= 1:
        raise ValueError(f"p must be a probability in [0, 1], got {p}")
    if not training or p == 0:
        return x
    if p == 1:
        return torch.zeros_like(x)
    keep = torch.rand(x.shape, generator=generator) >= p
    return x * keep.to(x.dtype) * (1 / (1 - p))
