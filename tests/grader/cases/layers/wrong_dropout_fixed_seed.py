"""dropout that seeds its own generator (torch.manual_seed(0) style) and ignores `generator`: reproducible,
but every seed gives the same mask.

expect-fail: dropout_seeded
expect-feedback: not from a fixed seed of your own
expect-feedback: without a generator every call gives the same mask
expect-credit: dropout_seeded = 0.5
"""
import torch


def dropout(x, p, training=True, generator=None):
    if not 0 <= p <= 1:
        raise ValueError(f"p must be in [0, 1], got {p}")
    if not training or p == 0:
        return x
    if p == 1:
        return torch.zeros_like(x)
    keep = torch.rand(x.shape, generator=torch.Generator().manual_seed(0)) >= p
    return x * keep.to(x.dtype) / (1 - p)
