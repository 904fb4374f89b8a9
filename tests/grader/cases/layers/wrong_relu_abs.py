"""relu as the absolute value: negative inputs change sign instead of becoming 0.

expect-fail: relu_matches_reference
expect-feedback: negative inputs change sign
expect-credit: relu_matches_reference = 0.0
"""
import torch


def relu(x):
    return torch.abs(x)
