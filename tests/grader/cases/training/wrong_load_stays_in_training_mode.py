"""load_weights loads the state_dict but does not switch to eval mode.

expect-fail: load_weights_round_trip
expect-feedback: eval mode
expect-credit: load_weights_round_trip = 0.8
"""
import torch
import torch.nn as nn
import torchvision
from torch.utils.data import DataLoader
from torchvision import transforms


def load_weights(model: nn.Module, path) -> nn.Module:
    """Load weights saved by :func:`save_weights` into ``model`` and return it.

    Read the file with ``torch.load(path, weights_only=True)`` (which refuses
    to run arbitrary pickled code), copy the tensors in with
    ``model.load_state_dict``, and switch to eval mode, ready for inference.
    """
    state = torch.load(path, map_location="cpu", weights_only=True)
    model.load_state_dict(state)
    return model


