"""predict runs the model under torch.no_grad() but in whatever mode it was in.

expect-fail: predict_argmax_eval_mode
expect-feedback: model.eval() is not called
expect-credit: predict_argmax_eval_mode = 0.5
"""


def predict(model, x):
    with torch.no_grad():
        return model(x).argmax(dim=1)
