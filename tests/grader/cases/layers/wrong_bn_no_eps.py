"""batch_norm without eps: (x - mean) / sqrt(var); nan (0 / 0) for a constant channel.
A function that ignores eps checks it no more: eps <= 0 is accepted too.

expect-fail: batch_norm_matches_reference, batch_norm_errors
expect-feedback: eps is missing
expect-feedback: eps is not checked
expect-credit: batch_norm_matches_reference = 0.6
expect-credit: batch_norm_errors = 0.6
"""
import torch


def batch_norm(x, eps=1e-5):
    if x.dim() < 2:
        raise ValueError(f"x must have shape (N, C) or (N, C, H, W), got {tuple(x.shape)}")
    dims = [0] + list(range(2, x.dim()))
    if x.numel() // x.shape[1] == 1:
        raise ValueError("batch_norm needs more than one value per channel of x")
    mean = x.mean(dim=dims, keepdim=True)
    var = x.var(dim=dims, keepdim=True, unbiased=False)
    return (x - mean) / torch.sqrt(var)
