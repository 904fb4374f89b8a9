"""dropout through torch.nn.functional.dropout: forbidden.

expect-fail: dropout_mask_values, dropout_identity_and_extremes, dropout_rate, dropout_seeded, dropout_errors
expect-feedback: a built-in dropout
expect-credit: dropout_mask_values = 0.0
expect-credit: dropout_identity_and_extremes = 0.0
expect-credit: dropout_rate = 0.0
expect-credit: dropout_seeded = 0.0
expect-credit: dropout_errors = 0.0
"""
import math

import torch
import torch.nn.functional as F


def relu(x):
    return torch.where(x < 0, torch.zeros_like(x), x)


def flatten(x):
    if x.dim() < 2:
        raise ValueError(f"x must have at least 2 dimensions, got shape {tuple(x.shape)}")
    return x.reshape(x.shape[0], math.prod(x.shape[1:]))


def dropout(x, p, training=True, generator=None):
    if not 0 <= p <= 1:
        raise ValueError(f"p must be in [0, 1], got {p}")
    if generator is not None:
        torch.manual_seed(int(torch.randint(0, 2**31 - 1, (), generator=generator)))
    return F.dropout(x, p, training)
