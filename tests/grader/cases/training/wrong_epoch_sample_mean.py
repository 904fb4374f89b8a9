"""train_epoch weights each batch's loss by its size (a per-sample mean) instead of the plain mean
of the batch losses; the training itself is right.

expect-fail: train_epoch_matches_reference, fit_history
expect-feedback: weights each batch's loss by its size
expect-credit: train_epoch_matches_reference = 0.667
"""


def train_epoch(model, loader, loss_fn, optimizer):
    model.train()
    total, samples = 0.0, 0
    for x, y in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(x)
        samples += len(x)
    return total / samples
