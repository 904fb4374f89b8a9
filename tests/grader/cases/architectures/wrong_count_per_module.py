"""count_parameters adds up each module's own parameters (recurse=False) over model.modules(): right for
nested and shared layers, but a weight tied between two layers is counted once per layer.

expect-fail: count_parameters_counts
expect-feedback: tied weight
"""


def count_parameters(model, trainable_only=True):
    return sum(p.numel() for m in model.modules() for p in m.parameters(recurse=False)
               if p.requires_grad or not trainable_only)
