"""relu by a Python loop over the values, rebuilt with torch.tensor: float64 inputs come back as float32.

expect-fail: relu_matches_reference
expect-feedback: dtype float32; expected float64
expect-feedback: float32 whatever the inputs' dtype
expect-credit: relu_matches_reference = 0.533
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


def batch_norm(x, eps=1e-5):
    if x.dim() < 2:
        raise ValueError(f"x must have shape (N, C) or (N, C, H, W), got {tuple(x.shape)}")
    dims = [0] + list(range(2, x.dim()))
    if x.numel() // x.shape[1] == 1:
        raise ValueError(f"batch_norm needs more than one value per channel, got {tuple(x.shape)}")
    mean = x.mean(dim=dims, keepdim=True)
    var = ((x - mean) ** 2).mean(dim=dims, keepdim=True)
    return (x - mean) / torch.sqrt(var + eps)


def dropout(x, p, training=True, generator=None):
    if not 0 <= p <= 1:
        raise ValueError(f"p must be a probability in [0, 1], got {p}")
    if not training or p == 0:
        return x
    if p == 1:
        return torch.zeros_like(x)
    keep = torch.rand(x.shape, generator=generator) >= p
    return x * keep.to(x.dtype) * (1 / (1 - p))
