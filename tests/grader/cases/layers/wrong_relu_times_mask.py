"""relu as x * (x > 0): right for finite values, but -inf * 0 is NaN where torch.relu gives 0.

expect-fail: relu_matches_reference
expect-feedback: NaN and ±inf ✗
expect-feedback: it multiplies by the mask
expect-credit: relu_matches_reference = 0.72
"""


def relu(x):
    return x * (x > 0)
