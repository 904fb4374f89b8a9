"""flatten through a product with an identity matrix: the values are right while they are finite, but a NaN or
an inf times the zeros of the identity spoils its whole row.

expect-fail: flatten_matches_reference
expect-feedback: NaN and ±inf ✗
expect-feedback: identity matrix
expect-credit: flatten_matches_reference = 0.7
"""
import math

import torch


def flatten(x):
    if x.dim() < 2:
        raise ValueError(f"x must have at least 2 dimensions, got shape {tuple(x.shape)}")
    rows = x.reshape(x.shape[0], math.prod(x.shape[1:]))
    return rows @ torch.eye(rows.shape[1], dtype=x.dtype)
