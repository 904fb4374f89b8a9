"""d2l's softmax without the max shift, behind the exercise's signature: X_exp.sum(1, keepdim=True) is right
for 2-D logits along the last dimension (the core) and float64, wrong along other dims, for 1-D (IndexError)
and 3-D+ inputs, and for large logits.

expect-fail: softmax_matches_reference, softmax_large_logits
expect-feedback: always normalises along dimension 1
expect-feedback: exp overflows
expect-credit: softmax_matches_reference = 0.6
expect-credit: softmax_large_logits = 0.0
"""
import torch


def softmax(logits, dim=-1):
    X_exp = torch.exp(logits)
    partition = X_exp.sum(1, keepdim=True)
    return X_exp / partition
