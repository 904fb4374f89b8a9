"""predict switches to eval mode and restores the mode but leaves gradient tracking on.

expect-fail: predict_argmax_eval_mode
expect-feedback: torch.no_grad()
expect-credit: predict_argmax_eval_mode = 0.875
"""


def predict(model, x):
    was_training = model.training
    model.eval()
    predicted = model(x).argmax(dim=1)
    model.train(was_training)
    return predicted
