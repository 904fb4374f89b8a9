"""fit seeds the global random generator itself (torch.manual_seed(42)) "for reproducibility": with
dropout or a shuffling loader its result is no longer the caller's. The loop is otherwise right.

expect-fail: fit_history
expect-feedback: torch.manual_seed(42)
expect-credit: fit_history = 0.875
"""


def fit(model, train_loader, val_loader, loss_fn, optimizer, epochs):
    torch.manual_seed(42)
    history = {"train_loss": [], "val_loss": []}
    for _ in range(epochs):
        history["train_loss"].append(train_epoch(model, train_loader, loss_fn, optimizer))
        history["val_loss"].append(evaluate(model, val_loader, loss_fn))
    return history
