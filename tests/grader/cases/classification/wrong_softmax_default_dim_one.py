"""softmax and log_softmax with dim=1 as their default (as in classification code): right on 2-D logits, wrong
on 1-D, 3-D and 4-D ones when dim is left out (the default is -1).

expect-fail: softmax_matches_reference, log_softmax_matches_reference
expect-feedback: 1-D and 3-D+ inputs ✗
expect-feedback: the default dim
expect-credit: softmax_matches_reference = 0.7
expect-credit: log_softmax_matches_reference = 0.7
"""
import torch


def softmax(logits, dim=1):
    exps = torch.exp(logits - logits.amax(dim=dim, keepdim=True))
    return exps / exps.sum(dim=dim, keepdim=True)


def log_softmax(logits, dim=1):
    shifted = logits - logits.amax(dim=dim, keepdim=True)
    return shifted - torch.log(torch.exp(shifted).sum(dim=dim, keepdim=True))
