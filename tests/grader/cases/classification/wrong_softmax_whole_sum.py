"""softmax written for a single vector: exp(x - max) / exp(x - max).sum() divides by the sum of the whole tensor.

expect-fail: softmax_matches_reference, softmax_large_logits
expect-feedback: sum over the whole tensor
expect-credit: softmax_matches_reference = 0.0
expect-credit: softmax_large_logits = 0.0
"""
import torch


def softmax(logits, dim=-1):
    exps = torch.exp(logits - logits.max())
    return exps / exps.sum()
