"""Correct: sigmoid(z) = (1 + tanh(z / 2)) / 2, which never overflows; perceptron with
torch.matmul, a float bias from a 0-d tensor, and its own error message.
"""
import torch


def sigmoid(z):
    return 0.5 * (1.0 + torch.tanh(0.5 * z))


def perceptron(x, w, b):
    n = x.shape[1] if x.dim() == 2 else x.shape[0]
    if tuple(w.shape) != (n,):
        raise ValueError(f"w: expected shape ({n},), one weight per feature of x")
    if isinstance(b, torch.Tensor):
        b = b.item()
    return sigmoid(torch.matmul(x, w) + b)
