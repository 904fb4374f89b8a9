"""dropout that multiplies the survivors by the keep probability (1 - p), as the original paper scales at
test time, instead of dividing by it.

expect-fail: dropout_mask_values
expect-feedback: multiplied by (1 - p)
expect-credit: dropout_mask_values = 0.0
"""
import torch


def dropout(x, p, training=True, generator=None):
    if not 0 <= p <= 1:
        raise ValueError(f"p must be in [0, 1], got {p}")
    if not training or p == 0:
        return x
    if p == 1:
        return torch.zeros_like(x)
    keep = torch.rand(x.shape, generator=generator) >= p
    return x * keep.to(x.dtype) * (1 - p)
