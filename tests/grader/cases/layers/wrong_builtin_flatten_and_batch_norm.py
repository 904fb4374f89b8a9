"""flatten by Tensor.flatten and batch_norm by F.batch_norm: both are forbidden built-ins (zero for each).

expect-fail: flatten_matches_reference, flatten_non_contiguous, flatten_errors
expect-fail: batch_norm_matches_reference, batch_norm_errors
expect-feedback: forbidden built-in
expect-credit: flatten_matches_reference = 0.0
expect-credit: flatten_non_contiguous = 0.0
expect-credit: flatten_errors = 0.0
expect-credit: batch_norm_matches_reference = 0.0
expect-credit: batch_norm_errors = 0.0
"""
import torch.nn.functional as F


def flatten(x):
    if x.dim() < 2:
        raise ValueError(f"x must have at least 2 dimensions, got shape {tuple(x.shape)}")
    return x.flatten(1)


def batch_norm(x, eps=1e-5):
    if x.numel() // x.shape[1] == 1:
        raise ValueError(f"batch_norm needs more than one value per channel, got {tuple(x.shape)}")
    return F.batch_norm(x, None, None, training=True, eps=eps)
