"""predict runs the model under torch.no_grad() but in whatever mode it was in.
The classes are those of the mode it ran in: the eval mode's part (2 of 8).

expect-fail: predict_argmax_eval_mode
expect-feedback: model.eval() is not called
expect-credit: predict_argmax_eval_mode = 0.75
"""


def predict(model, x):
    with torch.no_grad():
        return model(x).argmax(dim=1)
