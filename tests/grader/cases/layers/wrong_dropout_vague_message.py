"""dropout that rejects every p outside [0, 1], with a message that does not say which argument is wrong.

expect-fail: dropout_errors
expect-feedback: messages name the argument ✗
expect-feedback: its message does not say which argument is wrong
expect-credit: dropout_errors = 0.8
"""
import torch


def dropout(x, p, training=True, generator=None):
    if p < 0 or p > 1:
        raise ValueError("value out of range")
    if not training or p == 0:
        return x
    if p == 1:
        return torch.zeros_like(x)
    keep = torch.rand(x.shape, generator=generator) >= p
    return x * keep.to(x.dtype) / (1 - p)
