"""count_parameters(model, trainable_only=False) sums over state_dict(), which also holds BatchNorm's
buffers; the trainable counts are right. Counting buffers as parameters gets the core (every parameter) wrong.

expect-fail: count_parameters_counts
expect-feedback: buffers
expect-credit: count_parameters_counts = 0.0
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


def count_parameters(model: nn.Module, trainable_only: bool = True) -> int:
    """The number of scalar weights in ``model``.

    Adds up ``p.numel()`` over ``model.parameters()``; with ``trainable_only``
    only the parameters with ``requires_grad=True`` count (frozen layers are
    skipped). Example: ``nn.Linear(3, 2)`` has 3*2 weights + 2 biases = 8.
    """
    if not trainable_only:
        return sum(v.numel() for v in model.state_dict().values())
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
