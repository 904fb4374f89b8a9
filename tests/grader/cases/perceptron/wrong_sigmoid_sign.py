"""sigmoid with the sign of the exponent flipped: 1 / (1 + exp(z)), which is sigmoid(-z).

expect-fail: sigmoid_matches_reference, sigmoid_extreme_values, perceptron_matches_reference
expect-feedback: the sign is wrong
expect-feedback: the sigmoid's sign is wrong
"""
import torch


def sigmoid(z):
    return 1 / (1 + torch.exp(z))
