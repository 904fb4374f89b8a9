"""fit calls its last parameter `n_epochs`: fit(..., epochs=3), with the contract's name, raises TypeError.
A signature slip: the "epochs= by name" part (0.5 of 8); positional calls are judged as usual.

expect-fail: fit_history
expect-feedback: unexpected keyword argument 'epochs'
expect-credit: fit_history = 0.938
"""


def fit(model: nn.Module, train_loader, val_loader, loss_fn, optimizer, n_epochs: int) -> dict:
    history = {"train_loss": [], "val_loss": []}
    for _ in range(n_epochs):
        history["train_loss"].append(train_epoch(model, train_loader, loss_fn, optimizer))
        history["val_loss"].append(evaluate(model, val_loader, loss_fn))
    return history
