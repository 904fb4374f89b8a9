"""fit evaluates before training in each epoch, so val_loss[k] is the loss before epoch k. Iterating
the validation loader first also draws on the random state before the shuffled training loader
does, so with shuffling the batch order, the losses and the weights differ from the reference's.

expect-fail: fit_history
expect-feedback: evaluates before it trains
expect-credit: fit_history = 0.25
"""


def fit(model, train_loader, val_loader, loss_fn, optimizer, epochs):
    history = {"train_loss": [], "val_loss": []}
    for _ in range(epochs):
        history["val_loss"].append(evaluate(model, val_loader, loss_fn))
        history["train_loss"].append(train_epoch(model, train_loader, loss_fn, optimizer))
    return history
