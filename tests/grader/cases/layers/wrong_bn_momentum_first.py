"""batch_norm with nn.BatchNorm's momentum option before eps: batch_norm(x, 0.1) sets momentum, not eps.

expect-fail: batch_norm_matches_reference
expect-feedback: eps by position ✗
expect-feedback: eps passed by position is not used
expect-credit: batch_norm_matches_reference = 0.733
"""
import torch


def batch_norm(x, momentum=0.1, eps=1e-5):
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
