"""count_parameters defaults to counting every parameter (trainable_only=False by default).

expect-fail: count_parameters_counts
expect-feedback: the default is trainable_only=True
expect-credit: count_parameters_counts = 0.857
"""


def count_parameters(model, trainable_only=False):
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)
