"""Pooling that checks every argument in one helper but raises the same ValueError("invalid pooling
arguments") for all of them: the contract's message must say which argument is wrong. Every check holds,
so only the messages' share (a fifth) of each error test is lost.

expect-fail: max_pool2d_errors, avg_pool2d_errors
expect-feedback: its message does not say which argument is wrong
expect-credit: max_pool2d_errors = 0.8
expect-credit: avg_pool2d_errors = 0.8
"""
_reference = {"max": max_pool2d, "avg": avg_pool2d}


def _checked(kind, input, kernel_size, stride, padding):
    try:
        return _reference[kind](input, kernel_size, stride, padding)
    except ValueError:
        raise ValueError("invalid pooling arguments") from None


def max_pool2d(input, kernel_size, stride=None, padding=0):
    return _checked("max", input, kernel_size, stride, padding)


def avg_pool2d(input, kernel_size, stride=None, padding=0):
    return _checked("avg", input, kernel_size, stride, padding)
