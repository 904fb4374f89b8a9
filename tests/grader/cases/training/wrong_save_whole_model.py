"""save_weights pickles the whole model object instead of its state_dict.

expect-fail: save_weights_state_dict
expect-feedback: weights_only
expect-credit: save_weights_state_dict = 0.0
"""
import torch
import torch.nn as nn
import torchvision
from torch.utils.data import DataLoader
from torchvision import transforms


def save_weights(model: nn.Module, path) -> None:
    """Save the learned parameters of ``model`` to the file ``path``.

    Only the ``state_dict()`` (an ordered dict from names such as
    ``"C1.weight"`` to tensors) is saved with ``torch.save``, not the
    Python object, so loading needs an instance of the same architecture.
    """
    torch.save(model, path)


