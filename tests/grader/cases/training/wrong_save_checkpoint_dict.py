"""save_weights wraps the state_dict in a checkpoint dict {"model": ...}.

expect-fail: save_weights_state_dict
expect-feedback: wrapped in another dict
expect-credit: save_weights_state_dict = 0.0
"""


def save_weights(model, path):
    torch.save({"model": model.state_dict()}, path)
