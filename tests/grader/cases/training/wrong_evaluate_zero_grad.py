"""evaluate "cleans up" with model.zero_grad() at the end, wiping gradients it does not own.

expect-fail: evaluate_matches_reference
expect-feedback: evaluate calls zero_grad()
expect-credit: evaluate_matches_reference = 0.85
"""


def evaluate(model, loader, loss_fn):
    model.eval()
    losses = []
    with torch.no_grad():
        for x, y in loader:
            losses.append(loss_fn(model(x), y).item())
    model.zero_grad()
    return sum(losses) / len(losses)
