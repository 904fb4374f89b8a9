"""Correct: cross_entropy as the mean over samples of -(one_hot * log_softmax).sum(1), softmax dividing by a
sum taken with keepdim on a normalised dim, BCE with a clamp on each log.
"""
import torch
import torch.nn.functional as F


def softmax(logits, dim=-1):
    dim = dim % logits.dim()
    peak = logits.max(dim=dim, keepdim=True).values
    exps = (logits - peak).exp()
    return exps / exps.sum(dim, keepdim=True)


def log_softmax(logits, dim=-1):
    shifted = logits - logits.amax(dim=dim, keepdim=True)
    return shifted - torch.log(torch.exp(shifted).sum(dim=dim, keepdim=True))


def cross_entropy(logits, labels):
    if logits.dim() != 2:
        raise ValueError("logits must be (N, C)")
    n, c = logits.shape
    if labels.dtype != torch.long:
        raise ValueError(f"labels must be int64 class indices, got {labels.dtype}")
    if labels.shape != (n,):
        raise ValueError(f"labels must have shape ({n},), got {tuple(labels.shape)}")
    if labels.min() < 0 or labels.max() > c - 1:
        raise ValueError(f"labels out of range for {c} classes")
    one_hot = F.one_hot(labels, c).to(logits.dtype)
    return -(one_hot * log_softmax(logits, dim=1)).sum(dim=1).mean()


def binary_cross_entropy(probs, labels):
    if probs.shape != labels.shape:
        raise ValueError("shape mismatch between probs and labels")
    if probs.min() < 0 or probs.max() > 1:
        raise ValueError("probs outside [0, 1]")
    loss = -(labels * torch.clamp(torch.log(probs), min=-100)
             + (1 - labels) * torch.clamp(torch.log(1 - probs), min=-100))
    return loss.mean()
