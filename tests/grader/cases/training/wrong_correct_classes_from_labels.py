"""correct takes the number of classes from the labels present instead of the model's output width.

expect-fail: correct_counts
expect-feedback: output width
expect-credit: correct_counts = 0.0
"""


def correct(model, x, y):
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            logits = model(x)
    finally:
        model.train(was_training)
    if logits.shape[1] == 1:
        children = list(model.children())
        ends_in_sigmoid = isinstance(children[-1] if children else model, nn.Sigmoid)
        predicted = ((logits[:, 0] if ends_in_sigmoid else torch.sigmoid(logits[:, 0])) > 0.5).long()
    else:
        predicted = logits.argmax(dim=1)
    n_classes = int(y.max()) + 1
    rows = []
    for c in range(n_classes):
        is_c = y == c
        rows.append([int((predicted[is_c] == c).sum()), int(is_c.sum())])
    return torch.tensor(rows, dtype=torch.int64)
