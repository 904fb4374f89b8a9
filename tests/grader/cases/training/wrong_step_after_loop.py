"""train_epoch calls optimizer.step() once, after the loop over the batches.
fit is graded with the grader's train_epoch.

expect-fail: train_epoch_matches_reference
expect-feedback: runs once, after the loop
expect-credit: train_epoch_matches_reference = 0.0
"""


def train_epoch(model, loader, loss_fn, optimizer):
    model.train()
    losses = []
    for x, y in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        losses.append(loss.item())
    optimizer.step()
    return sum(losses) / len(losses)
