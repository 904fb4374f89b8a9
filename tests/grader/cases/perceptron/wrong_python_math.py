"""sigmoid with math.exp on every element: float64 inputs come back as float32, and math.exp(1e4)
raises OverflowError. Two mistakes of sigmoid, each charged once: the dtype in sigmoid_matches_reference
(its float64 feature), the overflow in sigmoid_extreme_values (values judged in the dtype returned); the
perceptron, right, is graded with the grader's sigmoid.

expect-fail: sigmoid_matches_reference, sigmoid_extreme_values
expect-feedback: dtype float32
expect-feedback: float32 whatever the inputs' dtype
expect-feedback: OverflowError
expect-feedback: math.exp works on Python floats
expect-credit: sigmoid_matches_reference = 0.667
expect-credit: sigmoid_extreme_values = 0.0
"""
import math

import torch


def sigmoid(z):
    values = [1 / (1 + math.exp(-v)) for v in z.flatten().tolist()]
    return torch.tensor(values).reshape(z.shape)


def perceptron(x, w, b):
    if w.dim() != 1 or x.shape[-1] != w.shape[0]:
        raise ValueError(f"x has {x.shape[-1]} features, w has {w.shape[0]}")
    return sigmoid(x @ w + b)
