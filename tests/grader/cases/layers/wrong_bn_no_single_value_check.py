"""batch_norm without the check for a single value per channel: (1, 3) gives zeros instead of a ValueError.

expect-fail: batch_norm_errors
expect-feedback: should raise ValueError
expect-feedback: a single value per channel is not rejected
expect-credit: batch_norm_errors = 0.6
"""
import torch


def batch_norm(x, eps=1e-5):
    if eps <= 0:
        raise ValueError(f"eps must be positive, got {eps}")
    dims = [0] + list(range(2, x.dim()))
    mean = x.mean(dim=dims, keepdim=True)
    var = ((x - mean) ** 2).mean(dim=dims, keepdim=True)
    return (x - mean) / torch.sqrt(var + eps)
