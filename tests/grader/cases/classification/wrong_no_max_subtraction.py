"""The textbook formulas without subtracting the maximum: exp overflows for logits of 1e4.

expect-fail: softmax_large_logits, log_softmax_large_logits
expect-feedback: subtract the maximum
expect-feedback: log(sum(exp(x))) overflows
expect-credit: softmax_large_logits = 0.0
expect-credit: log_softmax_large_logits = 0.0
"""
import torch


def softmax(logits, dim=-1):
    exps = torch.exp(logits)
    return exps / exps.sum(dim=dim, keepdim=True)


def log_softmax(logits, dim=-1):
    return logits - torch.log(torch.exp(logits).sum(dim=dim, keepdim=True))


def cross_entropy(logits, labels):
    if logits.dim() != 2 or labels.dtype != torch.int64 or tuple(labels.shape) != (logits.shape[0],):
        raise ValueError("logits must be (N, C) and labels int64 of shape (N,)")
    if logits.dim() != 2:
        raise ValueError(f"logits must be 2-D (N, C), got shape {tuple(logits.shape)}")
    n, n_classes = logits.shape
    if tuple(labels.shape) != (n,):
        raise ValueError(f"labels must have shape ({n},), got {tuple(labels.shape)}")
    if n and (labels.min() < 0 or labels.max() >= n_classes):
        raise ValueError(f"labels must be class indices in [0, {n_classes})")
    log_probs = log_softmax(logits, dim=1)
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
