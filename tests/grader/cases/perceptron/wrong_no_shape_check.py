"""perceptron does not check the shapes: x @ w raises PyTorch's RuntimeError instead of ValueError.

expect-fail: perceptron_errors
expect-feedback: RuntimeError
expect-feedback: the shapes are not checked
expect-credit: perceptron_errors = 0.0
"""
import torch


def sigmoid(z):
    e = torch.exp(-z.abs())
    return torch.where(z >= 0, 1 / (1 + e), e / (1 + e))


def perceptron(x, w, b):
    return sigmoid(x @ w + b)
