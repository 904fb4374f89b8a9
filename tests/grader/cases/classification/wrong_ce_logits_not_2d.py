"""cross_entropy that never checks that the logits are 2-D: (2, 3, 4) logits give a number instead of a ValueError,
and for 1-D logits its labels check raises, blaming the labels: the message names the wrong argument.

expect-fail: cross_entropy_errors
expect-feedback: should raise ValueError
expect-feedback: the logits are not checked to be 2-D
expect-feedback: its message does not say which argument is wrong
expect-credit: cross_entropy_errors = 0.533
"""
import torch


def cross_entropy(logits, labels):
    n = logits.shape[0]
    if labels.dtype != torch.int64:
        raise ValueError(f"labels must be an int64 tensor, got dtype {labels.dtype}")
    if tuple(labels.shape) != (n,):
        raise ValueError(f"labels must have shape ({n},), got {tuple(labels.shape)}")
    if n and (labels.min() < 0 or labels.max() >= logits.shape[-1]):
        raise ValueError("labels must be class indices in [0, C)")
    return -log_softmax(logits, dim=1)[torch.arange(n), labels].mean()
