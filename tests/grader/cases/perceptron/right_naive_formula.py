"""Correct: the literal 1 / (1 + exp(-z)). In PyTorch exp(1e4) is inf without a warning and
1 / (1 + inf) is 0, so it is finite for |z| up to 1e4; the dot product is written as a sum.
"""
import torch


def sigmoid(z: torch.Tensor) -> torch.Tensor:
    return 1.0 / (1.0 + torch.exp(-z))


def perceptron(x: torch.Tensor, w: torch.Tensor, b) -> torch.Tensor:
    if w.ndim != 1 or x.ndim not in (1, 2) or x.shape[-1] != len(w):
        raise ValueError("shape mismatch between x and w")
    z = (x * w).sum(dim=-1)
    return sigmoid(z + b)
