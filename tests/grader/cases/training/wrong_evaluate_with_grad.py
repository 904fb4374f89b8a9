"""evaluate switches to eval mode but computes the losses with gradient tracking on.

expect-fail: evaluate_matches_reference
expect-feedback: torch.no_grad
expect-credit: evaluate_matches_reference = 0.9
"""
import torch
import torch.nn as nn
import torchvision
from torch.utils.data import DataLoader
from torchvision import transforms


def evaluate(model: nn.Module, loader, loss_fn) -> float:
    """The mean per-batch loss over ``loader``, without learning anything.

    Switch to evaluation mode (``model.eval()``: dropout off, batch norm uses
    its running statistics) and compute the losses inside
    ``torch.no_grad()``, so no graph is built and neither the parameters nor
    their ``.grad`` change. Returns a Python float.
    """
    model.eval()
    losses = []
    for x, y in loader:
        losses.append(loss_fn(model(x), y).item())
    if not losses:
        raise ValueError("loader: it yielded no batches")
    return sum(losses) / len(losses)


