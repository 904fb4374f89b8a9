"""batch_norm with one mean and one variance for the whole tensor (standardising all values together).

expect-fail: batch_norm_matches_reference
expect-feedback: one mean and variance for the whole tensor
expect-credit: batch_norm_matches_reference = 0.0
"""
import torch


def batch_norm(x, eps=1e-5):
    if x.dim() < 2:
        raise ValueError(f"x must have shape (N, C) or (N, C, H, W), got {tuple(x.shape)}")
    if x.numel() // x.shape[1] == 1:
        raise ValueError("batch_norm needs more than one value per channel of x")
    if eps <= 0:
        raise ValueError(f"eps must be positive, got {eps}")
    return (x - x.mean()) / torch.sqrt(x.var(unbiased=False) + eps)
