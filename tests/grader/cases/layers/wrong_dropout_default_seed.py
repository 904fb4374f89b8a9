"""dropout that makes itself reproducible when no generator is given (a generator seeded 0 of its own): every
call without a generator drops the same elements, where dropout must be random.

expect-fail: dropout_seeded
expect-feedback: no generator: random ✗
expect-feedback: without a generator every call gives the same mask
expect-credit: dropout_seeded = 0.75
"""
import torch


def dropout(x, p, training=True, generator=None):
    if not 0 <= p <= 1:
        raise ValueError(f"p must be a probability in [0, 1], got {p}")
    if not training or p == 0:
        return x
    if p == 1:
        return torch.zeros_like(x)
    if generator is None:
        generator = torch.Generator().manual_seed(0)
    keep = torch.rand(x.shape, generator=generator) >= p
    return x * keep.to(x.dtype) / (1 - p)
