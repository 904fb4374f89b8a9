"""predict moves x to the device of the model's first parameter: a model without parameters (nn.Identity,
a model that only rescales) makes next(model.parameters()) raise StopIteration.
A model without parameters is an edge case: its own part (1 of 8).

expect-fail: predict_argmax_eval_mode
expect-feedback: StopIteration
expect-credit: predict_argmax_eval_mode = 0.875
"""


def predict(model: nn.Module, x: torch.Tensor) -> torch.Tensor:
    device = next(model.parameters()).device
    was_training = model.training
    model.eval()
    with torch.no_grad():
        logits = model(x.to(device))
    model.train(was_training)
    return logits.argmax(dim=1)
