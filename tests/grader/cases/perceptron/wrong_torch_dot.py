"""perceptron with torch.dot: right for one sample (the core), a RuntimeError for a batch (N, n).

expect-fail: perceptron_matches_reference
expect-feedback: torch.dot takes two 1-D tensors
expect-credit: perceptron_matches_reference = 0.72
"""
import torch


def perceptron(x, w, b):
    if w.dim() != 1 or x.shape[-1] != w.shape[0]:
        raise ValueError(f"x has {x.shape[-1]} features, w has {w.shape[0]}")
    return sigmoid(torch.dot(x, w) + b)
