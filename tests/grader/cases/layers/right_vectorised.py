"""Correct, written differently: torch.where(x < 0, 0, x) (NaN passes, -inf becomes 0, an integer 0 keeps integer
tensors integers), contiguous().view, torch.var_mean with correction=0 and rsqrt, a Bernoulli mask, other ValueError
messages.
"""
import math

import torch


def relu(x):
    return torch.where(x < 0, 0, x)


def flatten(x):
    if x.ndim < 2:
        raise ValueError("x: expected (N, ...) with at least two dimensions")
    return x.contiguous().view(x.size(0), -1)


def batch_norm(x, eps=1e-5):
    dims = tuple(d for d in range(x.ndim) if d != 1)
    if math.prod(x.shape[d] for d in dims) < 2:
        raise ValueError("x: each channel needs at least two values")
    if not eps > 0:
        raise ValueError(f"eps: must be positive, got {eps}")
    var, mean = torch.var_mean(x, dim=dims, correction=0, keepdim=True)
    return (x - mean) * torch.rsqrt(var + eps)


def dropout(x, p, training=True, generator=None):
    if p < 0 or p > 1:
        raise ValueError("p: not a probability")
    if not training or p == 0:
        return x.clone()
    if p == 1:
        return x * 0
    keep = torch.bernoulli(torch.full(x.shape, 1 - p, dtype=x.dtype), generator=generator)
    return x * keep / (1 - p)
