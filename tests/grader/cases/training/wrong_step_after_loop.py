"""train_epoch calls optimizer.step() once, after the loop over the batches.

expect-fail: train_epoch_matches_reference, fit_history, fit_trains_case_study
expect-feedback: runs once, after the loop
expect-credit: train_epoch_matches_reference = 0.667
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
