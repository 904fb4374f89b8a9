"""train_epoch adds up the loss tensors (total += loss) instead of loss.item() and returns a tensor
that still holds the graph; the weights and the mode are right.

expect-fail: train_epoch_matches_reference
expect-feedback: total += loss
expect-credit: train_epoch_matches_reference = 0.8
"""


def train_epoch(model, loader, loss_fn, optimizer):
    model.train()
    total, count = 0, 0
    for x, y in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        total += loss
        count += 1
    return total / count
