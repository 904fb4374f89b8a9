"""predict takes the argmax over dim 0 (the samples) instead of dim 1 (the classes).

expect-fail: predict_argmax_eval_mode
expect-feedback: argmax over dim 0
expect-credit: predict_argmax_eval_mode = 0.0
"""


def predict(model, x):
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            return model(x).argmax(dim=0)
    finally:
        model.train(was_training)
