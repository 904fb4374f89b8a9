"""count_parameters adds up m.parameters() over model.modules(): the model itself and every container are
modules too, so nested parameters are counted once per enclosing module.

expect-fail: count_parameters_counts
expect-feedback: counted once per enclosing module
expect-credit: count_parameters_counts = 0.0
"""


def count_parameters(model, trainable_only=True):
    return sum(p.numel() for m in model.modules() for p in m.parameters() if p.requires_grad or not trainable_only)
