"""relu by torch.where(x > 0, x, 0): NaN fails the comparison and becomes 0 (torch.relu lets it through).

expect-fail: relu_matches_reference
expect-feedback: NaN and ±inf ✗
expect-feedback: NaN becomes 0
expect-credit: relu_matches_reference = 0.72
"""
import torch


def relu(x):
    return torch.where(x > 0, x, torch.zeros_like(x))
