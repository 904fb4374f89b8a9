"""batch_norm dividing by std + eps instead of sqrt(var + eps).

expect-fail: batch_norm_matches_reference
expect-feedback: sqrt(var + eps)
expect-credit: batch_norm_matches_reference = 0.6
"""
import math

import torch


def relu(x):
    return torch.where(x < 0, torch.zeros_like(x), x)


def flatten(x):
    if x.dim() < 2:
        raise ValueError(f"x must have at least 2 dimensions, got shape {tuple(x.shape)}")
    return x.reshape(x.shape[0], math.prod(x.shape[1:]))


def batch_norm(x, eps=1e-5):
    dims = [0] + list(range(2, x.dim()))
    if x.numel() // x.shape[1] == 1:
        raise ValueError("batch_norm needs more than one value per channel of x")
    if eps <= 0:
        raise ValueError(f"eps must be positive, got {eps}")
    mean = x.mean(dim=dims, keepdim=True)
    std = x.std(dim=dims, keepdim=True, unbiased=False)
    return (x - mean) / (std + eps)


def dropout(x, p, training=True, generator=None):
    if not 0 <= p <= 1:
        raise ValueError(f"p must be a probability in [0, 1], got {p}")
    if not training or p == 0:
        return x
    if p == 1:
        return torch.zeros_like(x)
    keep = torch.rand(x.shape, generator=generator) >= p
    return x * keep.to(x.dtype) * (1 / (1 - p))
