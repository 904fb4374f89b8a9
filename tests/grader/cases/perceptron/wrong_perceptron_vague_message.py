"""perceptron that raises ValueError for every bad shape, but with a message that does not say which argument
is wrong.

expect-fail: perceptron_errors
expect-feedback: messages name the argument ✗
expect-feedback: its message does not say which argument is wrong
expect-credit: perceptron_errors = 0.8
"""


def perceptron(x, w, b):
    if w.dim() != 1 or x.shape[-1] != w.shape[0]:
        raise ValueError("the dimensions do not match")
    return sigmoid(x @ w + b)
