"""train_epoch weights each batch's loss by its size (a per-sample mean) instead of the plain mean
of the batch losses; the training itself is right.
fit is graded with the grader's train_epoch once this one is known wrong.

expect-fail: train_epoch_matches_reference
expect-feedback: weights each batch's loss by its size
expect-credit: train_epoch_matches_reference = 0.8
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
