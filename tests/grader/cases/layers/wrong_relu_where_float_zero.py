"""relu by torch.where(x < 0, 0.0, x): right for float tensors (NaN and ±inf too), but the Python float 0.0
promotes an integer tensor to float32, where torch.relu keeps its dtype.

expect-fail: relu_matches_reference
expect-feedback: integer tensors ✗
expect-feedback: an integer input gives a float32 result
expect-credit: relu_matches_reference = 0.72
"""
import torch


def relu(x):
    return torch.where(x < 0, 0.0, x)
