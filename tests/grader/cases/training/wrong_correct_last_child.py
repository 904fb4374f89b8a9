"""correct looks for a final nn.Sigmoid with list(model.children())[-1], which fails (IndexError) for a
one-output model that has no children. A model without children is an edge case: its own part (1 of 12).

expect-fail: correct_counts
expect-feedback: IndexError
expect-credit: correct_counts = 0.917
"""


def correct(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    was_training = model.training
    model.eval()
    with torch.no_grad():
        logits = model(x)
    model.train(was_training)
    if logits.shape[1] == 1:
        ends_in_sigmoid = isinstance(list(model.children())[-1], nn.Sigmoid)
        probability = logits[:, 0] if ends_in_sigmoid else torch.sigmoid(logits[:, 0])
        predicted, n_classes = (probability > 0.5).long(), 2
    else:
        predicted, n_classes = logits.argmax(dim=1), logits.shape[1]
    return torch.tensor([[int(((y == c) & (predicted == c)).sum()), int((y == c).sum())] for c in range(n_classes)],
                        dtype=torch.int64)
