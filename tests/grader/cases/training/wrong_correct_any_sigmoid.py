"""correct treats a one-output model's output as a probability whenever the model contains an nn.Sigmoid
anywhere: an MLP with a Sigmoid as its hidden activation ends in a Linear layer, so its output is a logit.
An edge case of the one-output rule: the "a Sigmoid before the last layer" part (1 of 12).

expect-fail: correct_counts
expect-feedback: its Sigmoid is not the last layer
expect-credit: correct_counts = 0.917
"""


def correct(model, x, y):
    was_training = model.training
    model.eval()
    with torch.no_grad():
        logits = model(x)
    model.train(was_training)
    if logits.shape[1] == 1:
        ends_in_probability = any(isinstance(m, nn.Sigmoid) for m in model.modules())
        probability = logits[:, 0] if ends_in_probability else torch.sigmoid(logits[:, 0])
        predicted, n_classes = (probability > 0.5).long(), 2
    else:
        predicted, n_classes = logits.argmax(dim=1), logits.shape[1]
    rows = [[int(((y == c) & (predicted == c)).sum()), int((y == c).sum())] for c in range(n_classes)]
    return torch.tensor(rows, dtype=torch.int64)
