"""train_epoch clears the gradients between backward() and step(), so step() never moves anything.
fit is graded with the grader's train_epoch.

expect-fail: train_epoch_matches_reference
expect-feedback: optimizer.step() leaves the parameters as they were
expect-feedback: Every parameter is still exactly its initial value
expect-credit: train_epoch_matches_reference = 0.0
"""


def train_epoch(model, loader, loss_fn, optimizer):
    model.train()
    losses = []
    for x, y in loader:
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.zero_grad()
        optimizer.step()
        losses.append(loss.item())
    return sum(losses) / len(losses)
