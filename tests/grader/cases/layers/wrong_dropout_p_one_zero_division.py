"""dropout computing the scale as a Python float, 1 / (1 - p): p = 1 raises ZeroDivisionError.

expect-fail: dropout_identity_and_extremes
expect-feedback: ZeroDivisionError
expect-credit: dropout_identity_and_extremes = 0.8
"""
import torch


def dropout(x, p, training=True, generator=None):
    if not 0 <= p <= 1:
        raise ValueError(f"p must be in [0, 1], got {p}")
    if not training:
        return x
    scale = 1 / (1 - p)
    keep = torch.rand(x.shape, generator=generator) >= p
    return x * keep.to(x.dtype) * scale
