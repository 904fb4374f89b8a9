"""perceptron that compares only the numbers of features: a w of shape (3, 1) passes and gives a (1,) result.

expect-fail: perceptron_errors
expect-feedback: should raise ValueError
expect-feedback: only the numbers of features are compared
expect-credit: perceptron_errors = 0.6
"""


def perceptron(x, w, b):
    if x.shape[-1] != w.shape[0]:
        raise ValueError(f"x has {x.shape[-1]} features but w has {w.shape[0]} weights")
    return sigmoid(x @ w + b)
