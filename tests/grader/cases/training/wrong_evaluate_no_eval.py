"""evaluate computes the losses under torch.no_grad() but never calls model.eval(); in fit, BatchNorm's
running statistics then change during evaluation.

expect-fail: evaluate_matches_reference, fit_history
expect-feedback: model.eval() is not called
expect-credit: evaluate_matches_reference = 0.25
"""


def evaluate(model, loader, loss_fn):
    losses = []
    with torch.no_grad():
        for x, y in loader:
            losses.append(loss_fn(model(x), y).item())
    return sum(losses) / len(losses)
