"""binary_cross_entropy that compares the shapes but not the range of the probabilities: 1.5 and -0.1 give nan.

expect-fail: binary_cross_entropy_errors
expect-feedback: should raise ValueError
expect-feedback: the probabilities are not checked
expect-credit: binary_cross_entropy_errors = 0.6
"""
import torch


def binary_cross_entropy(probs, labels):
    if probs.shape != labels.shape:
        raise ValueError("probs and labels must have the same shape")
    log_p = torch.log(probs).clamp(min=-100)
    log_not_p = torch.log(1 - probs).clamp(min=-100)
    return -(labels * log_p + (1 - labels) * log_not_p).mean()
