"""softmax that shifts the caller's logits in place (logits -= max): the values are right, the input changes.

expect-fail: softmax_matches_reference
expect-feedback: modified its input in place
expect-feedback: input unchanged ✗
expect-credit: softmax_matches_reference = 0.7
"""
import torch


def softmax(logits, dim=-1):
    logits -= logits.amax(dim=dim, keepdim=True)
    exps = torch.exp(logits)
    return exps / exps.sum(dim=dim, keepdim=True)
