"""binary_cross_entropy without the shape check: (2, 3) probabilities with (3,) labels broadcast silently.

expect-fail: binary_cross_entropy_errors
expect-feedback: should raise ValueError
expect-feedback: the shapes are not compared
expect-credit: binary_cross_entropy_errors = 0.6
"""
import torch


def softmax(logits, dim=-1):
    exps = torch.exp(logits - logits.amax(dim=dim, keepdim=True))
    return exps / exps.sum(dim=dim, keepdim=True)


def log_softmax(logits, dim=-1):
    shifted = logits - logits.amax(dim=dim, keepdim=True)
    return shifted - torch.log(torch.exp(shifted).sum(dim=dim, keepdim=True))


def cross_entropy(logits, labels):
    if logits.dim() != 2:
        raise ValueError(f"logits must be 2-D (N, C), got shape {tuple(logits.shape)}")
    n, n_classes = logits.shape
    if labels.dtype != torch.int64 or tuple(labels.shape) != (n,):
        raise ValueError(f"labels must have shape ({n},), got {tuple(labels.shape)}")
    if n and (labels.min() < 0 or labels.max() >= n_classes):
        raise ValueError(f"labels must be class indices in [0, {n_classes})")
    log_probs = log_softmax(logits, dim=1)
    return -log_probs[torch.arange(n), labels].mean()


def binary_cross_entropy(probs, labels):
    if (probs < 0).any() or (probs > 1).any():
        raise ValueError("probs must be in [0, 1]")
    log_p = torch.log(probs).clamp(min=-100)
    log_not_p = torch.log(1 - probs).clamp(min=-100)
    return -(labels * log_p + (1 - labels) * log_not_p).mean()
