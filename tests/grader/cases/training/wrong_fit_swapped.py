"""fit appends the validation loss to train_loss and the training loss to val_loss.
The loop and the weights are right, the two lists are filed under each other's key: both loss parts (4 of 8).

expect-fail: fit_history
expect-feedback: swapped
expect-credit: fit_history = 0.5
"""


def fit(model, train_loader, val_loader, loss_fn, optimizer, epochs):
    history = {"train_loss": [], "val_loss": []}
    for _ in range(epochs):
        train = train_epoch(model, train_loader, loss_fn, optimizer)
        val = evaluate(model, val_loader, loss_fn)
        history["train_loss"].append(val)
        history["val_loss"].append(train)
    return history
