"""dropout(x, p, generator=None, training=True): the options in another order, so dropout(x, 0.5, False) passes
False as the generator.
Called by name it is right: only the identity check calls it by position, so the order costs once.

expect-fail: dropout_identity_and_extremes
expect-feedback: calling it with its options by position fails
expect-feedback: options by position ✗
expect-credit: dropout_identity_and_extremes = 0.9
"""
import torch


def dropout(x, p, generator=None, training=True):
    if not 0 <= p <= 1:
        raise ValueError(f"p must be a probability in [0, 1], got {p}")
    if not training or p == 0:
        return x
    if p == 1:
        return torch.zeros_like(x)
    keep = torch.rand(x.shape, generator=generator) >= p
    return x * keep.to(x.dtype) / (1 - p)
