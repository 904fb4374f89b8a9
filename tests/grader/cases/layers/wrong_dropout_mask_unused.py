"""dropout that draws the mask but forgets to apply it: every element is kept and scaled by 1 / (1 - p), so
the values pass (each is x / (1 - p)) but nothing is dropped and the seed changes nothing.

expect-fail: dropout_rate, dropout_seeded
expect-feedback: nothing is dropped while training
expect-credit: dropout_rate = 0.0
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
    keep = torch.rand(x.shape, generator=generator) >= p  # noqa: F841 -- the mistake
    return x / (1 - p)
