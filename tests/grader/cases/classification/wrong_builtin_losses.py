"""cross_entropy by F.nll_loss and binary_cross_entropy by F.binary_cross_entropy: forbidden built-ins (zero for
both, the softmax functions keep their points).

expect-fail: cross_entropy_matches_reference, cross_entropy_large_logits, cross_entropy_ufrn_example
expect-fail: cross_entropy_errors, binary_cross_entropy_matches_reference, binary_cross_entropy_errors
expect-feedback: forbidden built-in
expect-credit: cross_entropy_matches_reference = 0.0
expect-credit: cross_entropy_large_logits = 0.0
expect-credit: cross_entropy_ufrn_example = 0.0
expect-credit: cross_entropy_errors = 0.0
expect-credit: binary_cross_entropy_matches_reference = 0.0
expect-credit: binary_cross_entropy_errors = 0.0
"""
import torch.nn.functional as F


def cross_entropy(logits, labels):
    if logits.dim() != 2 or labels.dtype != torch.int64 or tuple(labels.shape) != (logits.shape[0],):
        raise ValueError("logits must be (N, C) and labels int64 of shape (N,)")
    if len(labels) and (labels.min() < 0 or labels.max() >= logits.shape[1]):
        raise ValueError("labels must be class indices in [0, C)")
    return F.nll_loss(log_softmax(logits, dim=1), labels)


def binary_cross_entropy(probs, labels):
    if probs.shape != labels.shape or not ((probs >= 0) & (probs <= 1)).all():
        raise ValueError("probs must be probabilities in [0, 1] of the shape of labels")
    return F.binary_cross_entropy(probs, labels)
