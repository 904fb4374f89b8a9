"""cross_entropy without the label check: -1 and -100 wrap around, C is an IndexError.

expect-fail: cross_entropy_errors
expect-feedback: should raise ValueError
expect-feedback: the labels are not checked
expect-feedback: the dtype of the labels is not checked
expect-feedback: the logits are not checked to be 2-D
expect-credit: cross_entropy_errors = 0.0
"""
import torch


def softmax(logits, dim=-1):
    exps = torch.exp(logits - logits.amax(dim=dim, keepdim=True))
    return exps / exps.sum(dim=dim, keepdim=True)


def log_softmax(logits, dim=-1):
    shifted = logits - logits.amax(dim=dim, keepdim=True)
    return shifted - torch.log(torch.exp(shifted).sum(dim=dim, keepdim=True))


def cross_entropy(logits, labels):
    log_probs = log_softmax(logits, dim=1)
    return -log_probs[torch.arange(logits.shape[0]), labels].mean()


def binary_cross_entropy(probs, labels):
    if probs.shape != labels.shape:
        raise ValueError(f"probs and labels must have the same shape, got {tuple(probs.shape)} "
                         f"and {tuple(labels.shape)}")
    labels = labels.to(probs.dtype)
    if not ((probs >= 0) & (probs <= 1)).all():
        raise ValueError("probs must be probabilities in [0, 1]")
    log_p = torch.log(probs).clamp(min=-100)
    log_not_p = torch.log1p(-probs).clamp(min=-100)
    return -(labels * log_p + (1 - labels) * log_not_p).mean()
