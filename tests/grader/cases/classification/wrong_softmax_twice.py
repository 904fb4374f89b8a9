"""cross_entropy fed with probabilities: softmax first, then the log_softmax of the probabilities.

expect-fail: cross_entropy_matches_reference, cross_entropy_large_logits, cross_entropy_ufrn_example
expect-feedback: softmax is applied twice
expect-credit: cross_entropy_matches_reference = 0.0
expect-credit: cross_entropy_large_logits = 0.0
expect-credit: cross_entropy_ufrn_example = 0.0
"""
import torch


def softmax(logits, dim=-1):
    exps = torch.exp(logits - logits.amax(dim=dim, keepdim=True))
    return exps / exps.sum(dim=dim, keepdim=True)


def log_softmax(logits, dim=-1):
    shifted = logits - logits.amax(dim=dim, keepdim=True)
    return shifted - torch.log(torch.exp(shifted).sum(dim=dim, keepdim=True))


def cross_entropy(logits, labels):
    if logits.dim() != 2 or labels.dtype != torch.int64 or tuple(labels.shape) != (logits.shape[0],):
        raise ValueError("logits must be (N, C) and labels int64 of shape (N,)")
    n, n_classes = logits.shape
    if (labels < 0).any() or (labels >= n_classes).any():
        raise ValueError("labels must be in [0, C)")
    probs = softmax(logits, dim=1)
    log_probs = log_softmax(probs, dim=1)
    return -log_probs[torch.arange(n), labels].mean()


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
