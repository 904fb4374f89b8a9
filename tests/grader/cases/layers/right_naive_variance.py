"""Correct: batch_norm with the variance as E[x^2] - E[x]^2 in the input's dtype (numerically weaker, within the
contract's tolerance), relu by masked_fill of the values below 0 (NaN is not below 0, so it
passes through), flatten by reshape(N, -1) (N >= 1 here).
"""
import torch


def relu(x):
    return x.masked_fill(x < 0, 0.0)


def flatten(x):
    if x.dim() <= 1:
        raise ValueError("x must have a batch dimension and at least one more")
    return x.reshape(x.shape[0], -1)


def batch_norm(x, eps=1e-5):
    dims = [0] + list(range(2, x.dim()))
    count = x.numel() // x.shape[1]
    if count <= 1:
        raise ValueError("x has a single value per channel")
    if eps <= 0:
        raise ValueError("eps must be > 0")
    mean = x.sum(dim=dims, keepdim=True) / count
    var = (x * x).sum(dim=dims, keepdim=True) / count - mean * mean
    return (x - mean) / (var + eps).sqrt()


def dropout(x, p, training=True, generator=None):
    if not 0 <= p <= 1:
        raise ValueError(f"p must be a probability in [0, 1], got {p}")
    if not training or p == 0:
        return x
    if p == 1:
        return torch.zeros_like(x)
    keep = torch.rand(x.shape, generator=generator) >= p
    return x * keep.to(x.dtype) * (1 / (1 - p))
