"""log_softmax that subtracts the maximum of the whole tensor: rows far below it underflow to log(0) = -inf.

expect-fail: log_softmax_large_logits
expect-feedback: maximum of the whole tensor
expect-credit: log_softmax_large_logits = 0.0
"""
import torch


def log_softmax(logits, dim=-1):
    exps = torch.exp(logits - logits.max())
    return torch.log(exps / exps.sum(dim=dim, keepdim=True))
