"""sigmoid written as exp(z) / (1 + exp(z)): exp overflows to inf for large z and inf / inf is nan.

expect-fail: sigmoid_extreme_values
expect-feedback: overflows
expect-credit: sigmoid_extreme_values = 0.0
"""
import torch


def sigmoid(z):
    e = torch.exp(z)
    return e / (1 + e)


def perceptron(x, w, b):
    if w.dim() != 1 or x.shape[-1] != w.shape[0]:
        raise ValueError(f"x has {x.shape[-1]} features, w has {w.shape[0]}")
    return sigmoid(x @ w + b)
