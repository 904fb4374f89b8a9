"""fit writes the training loop out and calls model.train() once, before the epochs: evaluate leaves the model
in eval mode, so from the second epoch on it trains with dropout off and batch norm on its running
statistics. The histories and the weights go wrong from epoch 2 (only the keys, the caller's random state and
the signature hold: 2 of 8).

expect-fail: fit_history
expect-feedback: model.train() is called once, before the epochs
expect-credit: fit_history = 0.25
"""


def fit(model, train_loader, val_loader, loss_fn, optimizer, epochs):
    history = {"train_loss": [], "val_loss": []}
    model.train()
    for _ in range(epochs):
        losses = []
        for x, y in train_loader:
            optimizer.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        history["train_loss"].append(sum(losses) / len(losses))
        history["val_loss"].append(evaluate(model, val_loader, loss_fn))
    return history
