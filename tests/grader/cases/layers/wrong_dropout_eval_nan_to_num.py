"""dropout that "cleans" the activations when nothing is dropped (torch.nan_to_num): NaN and inf do not pass
through as they do in F.dropout.
NaN and ±inf are an edge case of the identity: half a share of its five.

expect-fail: dropout_identity_and_extremes
expect-feedback: NaN and inf are replaced
expect-feedback: NaN and ±inf ✗
expect-credit: dropout_identity_and_extremes = 0.9
"""
import torch


def dropout(x, p, training=True, generator=None):
    if not 0 <= p <= 1:
        raise ValueError(f"p must be a probability in [0, 1], got {p}")
    if not training or p == 0:
        return torch.nan_to_num(x)
    if p == 1:
        return torch.zeros_like(x)
    keep = torch.rand(x.shape, generator=generator) >= p
    return x * keep.to(x.dtype) / (1 - p)
