"""log_softmax as the log of the textbook softmax, without the max shift: nan (inf / inf) or -inf (log 0) for
large logits; right for moderate ones.

expect-fail: log_softmax_large_logits
expect-feedback: log of a softmax computed without subtracting the maximum
expect-credit: log_softmax_large_logits = 0.0
"""
import torch


def log_softmax(logits, dim=-1):
    exps = torch.exp(logits)
    return torch.log(exps / exps.sum(dim=dim, keepdim=True))
