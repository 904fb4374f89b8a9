"""flatten that also merges the batch dimension (x.reshape(-1), as numpy's ravel).

expect-fail: flatten_matches_reference, flatten_non_contiguous
expect-feedback: the batch dimension is flattened too
expect-credit: flatten_matches_reference = 0.0
expect-credit: flatten_non_contiguous = 0.0
"""
import torch


def relu(x):
    return torch.where(x < 0, torch.zeros_like(x), x)


def flatten(x):
    if x.dim() < 2:
        raise ValueError("flatten needs at least 2 dimensions")
    return x.reshape(-1)


def dropout(x, p, training=True, generator=None):
    if not 0 <= p <= 1:
        raise ValueError(f"p must be a probability in [0, 1], got {p}")
    if not training or p == 0:
        return x
    if p == 1:
        return torch.zeros_like(x)
    keep = torch.rand(x.shape, generator=generator) >= p
    return x * keep.to(x.dtype) * (1 / (1 - p))
