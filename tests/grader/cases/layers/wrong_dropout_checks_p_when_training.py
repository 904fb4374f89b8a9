"""dropout that returns x for training=False before it checks p: dropout(x, 1.5, training=False) gives x.

expect-fail: dropout_errors
expect-feedback: should raise ValueError
expect-feedback: p is checked only in training mode
expect-credit: dropout_errors = 0.6
"""
import torch


def dropout(x, p, training=True, generator=None):
    if not training:
        return x
    if not 0 <= p <= 1:
        raise ValueError(f"p must be a probability in [0, 1], got {p}")
    if p == 0:
        return x
    if p == 1:
        return torch.zeros_like(x)
    keep = torch.rand(x.shape, generator=generator) >= p
    return x * keep.to(x.dtype) / (1 - p)
