"""softmax that sums along dim without keepdim=True: (N, C) / (N,) raises unless N == C (then it divides
column j by the sum of row j); right for 1-D logits and along dimension 0.

expect-fail: softmax_matches_reference, softmax_large_logits
expect-feedback: without keepdim=True
expect-credit: softmax_matches_reference = 0.0
expect-credit: softmax_large_logits = 0.0
"""
import torch


def softmax(logits, dim=-1):
    exps = torch.exp(logits - logits.amax(dim=dim, keepdim=True))
    return exps / exps.sum(dim=dim)
