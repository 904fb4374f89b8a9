"""batch_norm that rejects a single value per channel but never checks eps: eps = 0 divides by the standard
deviation itself, a negative eps is used as it is (F.batch_norm raises ValueError for both in training mode).

expect-fail: batch_norm_errors
expect-feedback: eps <= 0 ✗
expect-feedback: eps is not checked
expect-credit: batch_norm_errors = 0.6
"""
import torch


def batch_norm(x, eps=1e-5):
    if x.dim() < 2 or x.numel() // x.shape[1] < 2:
        raise ValueError(f"x must have at least two values per channel, got shape {tuple(x.shape)}")
    dims = [0] + list(range(2, x.dim()))
    mean = x.mean(dim=dims, keepdim=True)
    var = ((x - mean) ** 2).mean(dim=dims, keepdim=True)
    return (x - mean) / torch.sqrt(var + eps)
