"""predict switches to eval mode and leaves the model there.

expect-fail: predict_argmax_eval_mode
expect-feedback: restore
expect-credit: predict_argmax_eval_mode = 0.875
"""
import torch
import torch.nn as nn
import torchvision
from torch.utils.data import DataLoader
from torchvision import transforms


def predict(model: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """The predicted class of every sample in ``x``: int64 of shape ``(N,)``.

    The model outputs logits ``(N, n_classes)``; the prediction is the index
    of the largest one per row (``argmax`` over dim 1), so logits
    ``[[0.1, 2.0, -1.0]]`` predict ``tensor([1])``. Run the model in eval
    mode and without gradients, and afterwards put it back in the mode it
    was in (``model.training`` tells you which).
    """
    model.eval()
    with torch.no_grad():
        return model(x).argmax(dim=1)


