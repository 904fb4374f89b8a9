"""loader_apply averages the stacked results without casting them to float32 first.

expect-fail: loader_apply_reduces
expect-feedback: float32
expect-credit: loader_apply_reduces = 0.8
"""
import torch
import torch.nn as nn
import torchvision
from torch.utils.data import DataLoader
from torchvision import transforms


def loader_apply(loader, func, reduce: str = "sum") -> torch.Tensor:
    """Apply ``func(x, y)`` to every batch and combine the results.

    The per-batch results (tensors of one common shape ``S``) are stacked
    along a new first dimension, shape ``(n_batches, *S)``, and reduced over
    it: ``"sum"`` adds them up and keeps their dtype (int64 counts stay
    int64); ``"mean"`` first casts to float32, then averages. With
    ``func = lambda x, y: correct(model, x, y)`` and ``"sum"`` you get the
    per-class counts of a whole data set. Any other ``reduce``: ValueError.
    """
    if reduce not in ("sum", "mean"):
        raise ValueError(f"reduce must be 'sum' or 'mean', got {reduce!r}")
    results = [func(x, y) for x, y in loader]
    if not results:
        raise ValueError("loader: it yielded no batches")
    stacked = torch.stack(results, dim=0)
    if reduce == "sum":
        return stacked.sum(dim=0, dtype=stacked.dtype)
    return stacked.mean(dim=0)


