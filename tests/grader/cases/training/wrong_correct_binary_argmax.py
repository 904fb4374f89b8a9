"""correct takes the argmax for every model, so a one-output (binary) model always predicts class 0.
The counts of models with 2+ outputs are right: the one-output rule's part (2 of 12).

expect-fail: correct_counts
expect-feedback: argmax over one column always gives class 0
expect-credit: correct_counts = 0.833
"""


def correct(model, x, y):
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            logits = model(x)
    finally:
        model.train(was_training)
    predicted = logits.argmax(dim=1)
    n_classes = max(2, logits.shape[1])
    return torch.tensor([[int(((y == c) & (predicted == c)).sum()), int((y == c).sum())] for c in range(n_classes)])
