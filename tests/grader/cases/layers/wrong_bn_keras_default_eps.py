"""batch_norm with Keras' default eps = 1e-3 instead of PyTorch's 1e-5: wrong whenever eps is left out.
Only calls that leave eps out are wrong: the "default eps" feature.

expect-fail: batch_norm_matches_reference
expect-feedback: the default eps is wrong
expect-feedback: default eps ✗
expect-credit: batch_norm_matches_reference = 0.733
"""
import torch


def batch_norm(x, eps=1e-3):
    if x.dim() < 2:
        raise ValueError(f"x must have shape (N, C) or (N, C, H, W), got {tuple(x.shape)}")
    dims = [0] + list(range(2, x.dim()))
    if x.numel() // x.shape[1] == 1:
        raise ValueError(f"batch_norm needs more than one value per channel of x, got {tuple(x.shape)}")
    if eps <= 0:
        raise ValueError(f"eps must be positive, got {eps}")
    mean = x.mean(dim=dims, keepdim=True)
    var = ((x - mean) ** 2).mean(dim=dims, keepdim=True)
    return (x - mean) / torch.sqrt(var + eps)
