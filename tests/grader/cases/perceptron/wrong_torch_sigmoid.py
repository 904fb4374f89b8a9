"""sigmoid calls the built-in torch.sigmoid (forbidden); the perceptron is right.

expect-fail: sigmoid_matches_reference, sigmoid_extreme_values
expect-feedback: forbidden built-in
expect-credit: sigmoid_matches_reference = 0.0
expect-credit: sigmoid_extreme_values = 0.0
"""
import torch


def sigmoid(z):
    return torch.sigmoid(z)


def perceptron(x, w, b):
    if w.dim() != 1 or x.shape[-1] != w.shape[0]:
        raise ValueError(f"x has {x.shape[-1]} features, w has {w.shape[0]}")
    return sigmoid(x @ w + b)
