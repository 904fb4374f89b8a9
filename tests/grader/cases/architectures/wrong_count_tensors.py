"""count_parameters counts parameter tensors instead of their elements.

expect-fail: count_parameters_counts
expect-feedback: counts parameter tensors
expect-credit: count_parameters_counts = 0.0
"""


def count_parameters(model, trainable_only=True):
    return len([p for p in model.parameters() if p.requires_grad or not trainable_only])
