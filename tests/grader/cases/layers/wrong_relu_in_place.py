"""relu that zeroes the negative values of x in place and returns x: the caller's tensor changes.

expect-fail: relu_matches_reference
expect-feedback: modified its input in place
"""


def relu(x):
    x[x < 0] = 0
    return x
