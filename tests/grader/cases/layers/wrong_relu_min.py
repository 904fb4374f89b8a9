"""relu with torch.minimum instead of torch.maximum: keeps the negative part.

expect-fail: relu_matches_reference
expect-feedback: it keeps the negative part
expect-credit: relu_matches_reference = 0.0
"""
import torch


def relu(x):
    return torch.minimum(x, torch.zeros_like(x))
