"""perceptron subtracts the bias (the threshold form w.x - theta, with b taken as the threshold).

expect-fail: perceptron_matches_reference
expect-feedback: the bias is subtracted
expect-credit: perceptron_matches_reference = 0.0
"""


def perceptron(x, w, b):
    if w.dim() != 1 or x.shape[-1] != w.shape[0]:
        raise ValueError(f"x has {x.shape[-1]} features, w has {w.shape[0]}")
    return sigmoid(x @ w - b)
