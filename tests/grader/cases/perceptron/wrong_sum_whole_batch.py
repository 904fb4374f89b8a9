"""perceptron with (x * w).sum(): one output for the whole batch instead of one per sample.

expect-fail: perceptron_matches_reference
expect-feedback: it sums every element of x * w
expect-credit: perceptron_matches_reference = 0.72
"""


def perceptron(x, w, b):
    if w.dim() != 1 or x.shape[-1] != w.shape[0]:
        raise ValueError(f"x has {x.shape[-1]} features, w has {w.shape[0]}")
    return sigmoid((x * w).sum() + b)
