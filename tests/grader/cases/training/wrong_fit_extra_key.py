"""fit returns the two histories and the number of epochs in one dict: {"train_loss", "val_loss", "epochs"}.

expect-fail: fit_history
expect-feedback: expected exactly 'train_loss' and 'val_loss'
expect-credit: fit_history = 0.938
"""


def fit(model: nn.Module, train_loader, val_loader, loss_fn, optimizer, epochs: int) -> dict:
    history = {"train_loss": [], "val_loss": [], "epochs": epochs}
    for _ in range(epochs):
        history["train_loss"].append(train_epoch(model, train_loader, loss_fn, optimizer))
        history["val_loss"].append(evaluate(model, val_loader, loss_fn))
    return history
