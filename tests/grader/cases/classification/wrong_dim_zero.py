"""softmax and log_softmax that always work along dimension 0 (the batch), as for a column of scores.
cross_entropy is right but calls this log_softmax: charged again until the grader can swap in its own
log_softmax (grader/sandbox/trusted.py has none for classification).

expect-fail: softmax_matches_reference, softmax_large_logits, log_softmax_matches_reference
expect-fail: log_softmax_large_logits
expect-feedback: along dimension 0 instead of `dim`
expect-credit: softmax_matches_reference = 0.0
expect-credit: softmax_large_logits = 0.0
expect-credit: log_softmax_matches_reference = 0.0
expect-credit: log_softmax_large_logits = 0.0
"""
import torch


def softmax(logits, dim=-1):
    exps = torch.exp(logits - logits.amax(dim=0, keepdim=True))
    return exps / exps.sum(dim=0, keepdim=True)


def log_softmax(logits, dim=-1):
    shifted = logits - logits.amax(dim=0, keepdim=True)
    return shifted - torch.log(torch.exp(shifted).sum(dim=0, keepdim=True))
