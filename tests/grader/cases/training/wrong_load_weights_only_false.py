"""load_weights unpickles the file with weights_only=False (as old tutorials do for whole models).

expect-fail: load_weights_round_trip
expect-feedback: weights_only=False
expect-credit: load_weights_round_trip = 0.8
"""


def load_weights(model, path):
    model.load_state_dict(torch.load(path, weights_only=False))
    model.eval()
    return model
