"""sigmoid returns torch.tanh (the other S-shaped activation of the slides), values in (-1, 1).

The perceptron calls it rightly: graded with the grader's sigmoid, it keeps its points.

expect-fail: sigmoid_matches_reference, sigmoid_extreme_values
expect-feedback: tanh
expect-credit: sigmoid_matches_reference = 0.0
expect-credit: sigmoid_extreme_values = 0.0
"""
import torch


def sigmoid(z):
    return torch.tanh(z)
