"""correct takes the number of classes from the labels present instead of the model's output width.

expect-fail: correct_counts
expect-feedback: output width
"""
import torch
import torch.nn as nn
import torchvision
from torch.utils.data import DataLoader
from torchvision import transforms


def correct(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Per class: how many samples the model got right, and how many there are.

    Returns int64 of shape ``(n_classes, 2)`` whose row ``c`` is
    ``[number of samples of class c predicted as c, number of samples of
    class c]``. ``n_classes`` is the width of the model's output (at least
    2); predictions are made as in :func:`predict`. Example: 3 classes,
    ``y = [0, 0, 1, 2]`` and predictions ``[0, 2, 1, 2]`` give
    ``[[1, 2], [1, 1], [1, 1]]``. Dividing column 0 by column 1 gives the
    recall of each class; summing the rows first gives the accuracy.
    """
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            logits = model(x)
    finally:
        model.train(was_training)
    predicted = logits.argmax(dim=1)
    n_classes = int(y.max()) + 1
    rows = []
    for c in range(n_classes):
        is_c = y == c
        rows.append([int((predicted[is_c] == c).sum()), int(is_c.sum())])
    return torch.tensor(rows, dtype=torch.int64)


