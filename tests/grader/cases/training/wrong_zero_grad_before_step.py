"""train_epoch clears the gradients between backward() and step(), so step() never moves anything.

expect-fail: train_epoch_matches_reference, fit_history, fit_trains_case_study
expect-feedback: the weights never change
expect-credit: train_epoch_matches_reference = 0.667
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
