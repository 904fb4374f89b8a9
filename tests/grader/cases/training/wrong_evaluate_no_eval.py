"""evaluate computes the losses under torch.no_grad() but never calls model.eval(); in fit, BatchNorm's
running statistics then change during evaluation.
Eval mode is evaluate's central requirement (3 of 10); the losses and batch norm statistics it changes follow from it and are not charged again. fit is graded with the grader's evaluate.

expect-fail: evaluate_matches_reference
expect-feedback: model.eval() is not called
expect-credit: evaluate_matches_reference = 0.7
"""


def evaluate(model, loader, loss_fn):
    losses = []
    with torch.no_grad():
        for x, y in loader:
            losses.append(loss_fn(model(x), y).item())
    return sum(losses) / len(losses)
