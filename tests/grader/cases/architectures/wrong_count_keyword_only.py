"""count_parameters makes trainable_only keyword-only: count_parameters(model, False), in the contract's
order, raises TypeError (the keyword calls and the default are right).
A signature slip: the "by position" part (1 of 7).

expect-fail: count_parameters_counts
expect-feedback: takes 1 positional argument but 2 were given
expect-credit: count_parameters_counts = 0.857
"""


def count_parameters(model, *, trainable_only=True):
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)
