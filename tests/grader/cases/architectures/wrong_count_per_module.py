"""count_parameters adds up each module's own parameters (recurse=False) over model.modules(): right for
nested and shared layers, but a weight tied between two layers is counted once per layer.
Tied weights are an edge case: their own part (1 of 7).

expect-fail: count_parameters_counts
expect-feedback: tied weight
expect-feedback: a weight tied between two layers (one nn.Parameter used by both) is counted once per layer
expect-credit: count_parameters_counts = 0.857
"""


def count_parameters(model, trainable_only=True):
    return sum(p.numel() for m in model.modules() for p in m.parameters(recurse=False)
               if p.requires_grad or not trainable_only)
