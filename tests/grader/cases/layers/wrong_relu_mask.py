"""relu returns the mask x > 0 as numbers (the derivative of ReLU), not the values.

expect-fail: relu_matches_reference
expect-feedback: it returns the mask x > 0
expect-credit: relu_matches_reference = 0.0
"""


def relu(x):
    return (x > 0).to(x.dtype)
