"""train_epoch works out the number of batches from loader.dataset and loader.batch_size: right for a
DataLoader, but a loader is anything that yields (x, y) batches, and a plain list of batches has neither.
An edge case of the loop: the plain-list part (0.5 of 10).

expect-fail: train_epoch_matches_reference
expect-feedback: 'list' object has no attribute 'dataset'
expect-credit: train_epoch_matches_reference = 0.95
"""
import math


def train_epoch(model: nn.Module, loader, loss_fn, optimizer) -> float:
    model.train()
    total = 0.0
    for x, y in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        total += loss.item()
    return total / math.ceil(len(loader.dataset) / loader.batch_size)
