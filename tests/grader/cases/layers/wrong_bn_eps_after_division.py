"""batch_norm adding eps after the division: (x - mean) / sqrt(var) + eps.
The eps features fail, and float64 (the 1e-5 added to every output is beyond its tolerance).

expect-fail: batch_norm_matches_reference
expect-feedback: eps is added after the division
expect-credit: batch_norm_matches_reference = 0.533
"""
import torch


def batch_norm(x, eps=1e-5):
    if x.dim() < 2:
        raise ValueError(f"x must have shape (N, C) or (N, C, H, W), got {tuple(x.shape)}")
    dims = [0] + list(range(2, x.dim()))
    if x.numel() // x.shape[1] == 1:
        raise ValueError("batch_norm needs more than one value per channel of x")
    if eps <= 0:
        raise ValueError(f"eps must be positive, got {eps}")
    mean = x.mean(dim=dims, keepdim=True)
    var = x.var(dim=dims, keepdim=True, unbiased=False)
    return (x - mean) / torch.sqrt(var) + eps
