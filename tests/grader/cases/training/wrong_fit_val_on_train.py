"""fit evaluates on the training loader instead of the validation loader. Iterating the shuffled
training loader a second time per epoch also draws on the random state, so the next epoch's batch
order, and then its losses (and, by a little, the weights) differ from the reference's.

expect-fail: fit_history
expect-feedback: val_loss is measured on train_loader
expect-credit: fit_history = 0.25
"""


def fit(model, train_loader, val_loader, loss_fn, optimizer, epochs):
    history = {"train_loss": [], "val_loss": []}
    for _ in range(epochs):
        history["train_loss"].append(train_epoch(model, train_loader, loss_fn, optimizer))
        history["val_loss"].append(evaluate(model, train_loader, loss_fn))
    return history
