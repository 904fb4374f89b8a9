"""sigmoid with the sign of the exponent flipped: 1 / (1 + exp(z)), which is sigmoid(-z).

The central formula is wrong: nothing of sigmoid's points. The perceptron, which calls it rightly, is graded
with the grader's sigmoid and keeps its own.

expect-fail: sigmoid_matches_reference, sigmoid_extreme_values
expect-feedback: the sign is wrong
expect-credit: sigmoid_matches_reference = 0.0
expect-credit: sigmoid_extreme_values = 0.0
"""
import torch


def sigmoid(z):
    return 1 / (1 + torch.exp(z))
