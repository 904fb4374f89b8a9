"""load_weights returns what load_state_dict returns instead of the model.

expect-fail: load_weights_round_trip
expect-feedback: load_state_dict(...)'s result
expect-credit: load_weights_round_trip = 0.8
"""


def load_weights(model, path):
    model.eval()
    return model.load_state_dict(torch.load(path, weights_only=True))
