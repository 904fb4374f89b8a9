"""perceptron forgets the bias.

expect-fail: perceptron_matches_reference
expect-feedback: bias is missing
expect-credit: perceptron_matches_reference = 0.0
"""
import torch


def sigmoid(z):
    e = torch.exp(-z.abs())
    return torch.where(z >= 0, 1 / (1 + e), e / (1 + e))


def perceptron(x, w, b):
    if w.dim() != 1 or x.shape[-1] != w.shape[0]:
        raise ValueError(f"x has {x.shape[-1]} features, w has {w.shape[0]}")
    return sigmoid(x @ w)
