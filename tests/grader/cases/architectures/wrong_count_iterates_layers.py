"""count_parameters iterates over the model's layers (for layer in model): fine for a flat nn.Sequential of
distinct layers, but a layer used twice counts twice and a custom module or a bare layer is not iterable.

expect-fail: count_parameters_counts
expect-feedback: iterates over the model
expect-credit: count_parameters_counts = 0.0
"""


def count_parameters(model, trainable_only=True):
    total = 0
    for layer in model:
        total += sum(p.numel() for p in layer.parameters() if p.requires_grad or not trainable_only)
    return total
