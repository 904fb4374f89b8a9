"""cross_entropy with every check of the contract, but one message for all of them that does not say which
argument is wrong.

expect-fail: cross_entropy_errors
expect-feedback: messages name the argument ✗
expect-feedback: its message does not say which argument is wrong
expect-credit: cross_entropy_errors = 0.8
"""
import torch


def cross_entropy(logits, labels):
    if (
        logits.dim() != 2
        or labels.dtype != torch.int64
        or tuple(labels.shape) != (logits.shape[0],)
        or (labels < 0).any()
        or (labels >= logits.shape[1]).any()
    ):
        raise ValueError("invalid input")
    log_probs = log_softmax(logits, dim=1)
    return -log_probs[torch.arange(logits.shape[0]), labels].mean()
