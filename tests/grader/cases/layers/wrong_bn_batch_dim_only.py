"""batch_norm taking the statistics over dimension 0 only: right for (N, C) (the core), wrong for
(N, C, H, W), where each channel's statistics run over N, H and W.

expect-fail: batch_norm_matches_reference
expect-feedback: over the batch dimension only
expect-credit: batch_norm_matches_reference = 0.733
"""
import torch


def batch_norm(x, eps=1e-5):
    if x.dim() < 2:
        raise ValueError(f"x must have shape (N, C) or (N, C, H, W), got {tuple(x.shape)}")
    if x.numel() // x.shape[1] == 1:
        raise ValueError("batch_norm needs more than one value per channel of x")
    if eps <= 0:
        raise ValueError(f"eps must be positive, got {eps}")
    mean = x.mean(dim=0, keepdim=True)
    var = x.var(dim=0, keepdim=True, unbiased=False)
    return (x - mean) / torch.sqrt(var + eps)
