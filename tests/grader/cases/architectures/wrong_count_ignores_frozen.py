"""count_parameters counts every parameter, frozen or not: trainable_only is ignored.
Half of the function (the trainable count and the default that uses it: 3 of 7).

expect-fail: count_parameters_counts
expect-feedback: requires_grad
expect-credit: count_parameters_counts = 0.571
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
    total = 0
    for p in model.parameters():
        total += p.numel()
    return total
