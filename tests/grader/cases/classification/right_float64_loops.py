"""Correct, by loops and in float64 inside, cast back: softmax along dim via movedim, cross_entropy row by row,
BCE element by element with math.log.
"""
import math

import torch


def softmax(logits, dim=-1):
    moved = logits.to(torch.float64).movedim(dim, -1)
    shifted = moved - moved.max(dim=-1, keepdim=True).values
    exps = shifted.exp()
    return (exps / exps.sum(dim=-1, keepdim=True)).movedim(-1, dim).to(logits.dtype)


def log_softmax(logits, dim=-1):
    x = logits.to(torch.float64)
    m = x.max(dim=dim, keepdim=True).values
    return (x - m - (x - m).exp().sum(dim=dim, keepdim=True).log()).to(logits.dtype)


def cross_entropy(logits, labels):
    if len(logits.shape) != 2:
        raise ValueError(f"logits: expected (N, C), got {list(logits.shape)}")
    n, c = logits.shape
    if labels.dtype is not torch.long or list(labels.shape) != [n]:
        raise ValueError(f"labels: expected {n} int64 class indices, got {labels.dtype} of shape {list(labels.shape)}")
    total = 0.0
    for i in range(n):
        label = int(labels[i])
        if not 0 <= label < c:
            raise ValueError(f"label {label} of sample {i} is not in [0, {c})")
        row = [float(v) for v in logits[i]]
        m = max(row)
        lse = m + math.log(sum(math.exp(v - m) for v in row))
        total += lse - row[label]
    return torch.tensor(total / n, dtype=logits.dtype)


def binary_cross_entropy(probs, labels):
    if probs.shape != labels.shape:
        raise ValueError("labels must have the shape of probs")
    total = 0.0
    flat_p, flat_y = probs.reshape(-1).tolist(), labels.reshape(-1).tolist()
    for p, y in zip(flat_p, flat_y):
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"probability {p} is outside [0, 1]")
        log_p = max(math.log(p), -100.0) if p > 0 else -100.0
        log_q = max(math.log1p(-p), -100.0) if p < 1 else -100.0
        total -= y * log_p + (1 - y) * log_q
    return torch.tensor(total / len(flat_p), dtype=probs.dtype)
