"""train_epoch returns the loss of the last batch instead of the mean over the batches.

expect-fail: train_epoch_matches_reference
expect-feedback: last batch
expect-credit: train_epoch_matches_reference = 0.8
"""
import torch
import torch.nn as nn
import torchvision
from torch.utils.data import DataLoader
from torchvision import transforms


def train_epoch(model: nn.Module, loader, loss_fn, optimizer) -> float:
    """Run one pass over ``loader`` that updates the model; return the mean loss.

    Put the model in training mode, then for every batch ``(x, y)``:

    1. ``optimizer.zero_grad()`` -- gradients add up unless you clear them,
    2. ``loss = loss_fn(model(x), y)`` -- forward pass and loss,
    3. ``loss.backward()`` -- gradients of the loss for every parameter,
    4. ``optimizer.step()`` -- move the parameters against the gradient.

    The result is the average of the per-batch ``loss.item()`` values, a
    Python float: batches of losses 0.9, 0.7 and 0.5 give 0.7.
    """
    model.train()
    losses = []
    for x, y in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    if not losses:
        raise ValueError("loader: it yielded no batches")
    return loss.item()


