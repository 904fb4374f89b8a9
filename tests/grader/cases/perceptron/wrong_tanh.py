"""sigmoid returns torch.tanh (the other S-shaped activation of the slides), values in (-1, 1).

expect-fail: sigmoid_matches_reference, sigmoid_extreme_values, perceptron_matches_reference
expect-feedback: tanh
"""
import torch


def sigmoid(z):
    return torch.tanh(z)
