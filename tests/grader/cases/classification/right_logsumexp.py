"""Correct, written differently: log_softmax through torch.logsumexp (allowed), softmax as exp(log_softmax),
cross_entropy with gather, BCE with torch.maximum and torch.where, other ValueError messages.
"""
import torch


def softmax(logits, dim=-1):
    return torch.exp(log_softmax(logits, dim))


def log_softmax(logits, dim=-1):
    return logits - torch.logsumexp(logits, dim=dim, keepdim=True)


def cross_entropy(logits, labels):
    if logits.ndim != 2:
        raise ValueError("logits: must be a 2-D (N, C) tensor")
    if labels.dtype != torch.int64 or labels.shape != logits.shape[:1]:
        raise ValueError("labels: must be an int64 tensor of shape (N,)")
    n_classes = logits.shape[1]
    if bool(((labels < 0) | (labels >= n_classes)).any()):
        raise ValueError("labels: every label must be a class index 0..C-1")
    lse = torch.logsumexp(logits, dim=1)
    picked = logits.gather(1, labels[:, None])[:, 0]
    return (lse - picked).mean()


def binary_cross_entropy(probs, labels):
    if tuple(probs.shape) != tuple(labels.shape):
        raise ValueError("probs/labels: shapes differ")
    if bool(((probs < 0) | (probs > 1)).any()):
        raise ValueError("probs: values must lie in [0, 1]")
    floor = torch.tensor(-100.0, dtype=probs.dtype)
    log_p = torch.where(probs > 0, torch.log(probs), floor)
    log_q = torch.where(probs < 1, torch.log(1 - probs), floor)
    terms = labels * torch.maximum(log_p, floor) + (1 - labels) * torch.maximum(log_q, floor)
    return -terms.sum() / probs.numel()
