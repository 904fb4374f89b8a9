"""relu that zeroes the negative values of x in place and returns x: the caller's tensor changes.
The values are right: leaving x unchanged is a feature of its own.

expect-fail: relu_matches_reference
expect-feedback: modified its input in place
expect-feedback: input unchanged ✗
expect-credit: relu_matches_reference = 0.72
"""


def relu(x):
    x[x < 0] = 0
    return x
