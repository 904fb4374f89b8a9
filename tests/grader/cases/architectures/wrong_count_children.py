"""count_parameters adds up the parameters of model.children(): a bare layer (nn.Linear(3, 2) alone) has no
children, so it counts 0, and a custom module's own nn.Parameter is missed.

expect-fail: count_parameters_counts
expect-feedback: model.children()
expect-credit: count_parameters_counts = 0.0
"""


def count_parameters(model, trainable_only=True):
    return sum(p.numel() for child in model.children() for p in child.parameters()
               if p.requires_grad or not trainable_only)
