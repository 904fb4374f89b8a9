"""Pooling that takes a 3-D (C, H, W) input as a batch of one, as F.max_pool2d and F.avg_pool2d do: the
contract has no implicit batch dimension and demands a ValueError for every input that is not 4-D.
One requirement of each error test is lost.

expect-fail: max_pool2d_errors, avg_pool2d_errors
expect-feedback: for a 3-D input (C, H, W)
expect-credit: max_pool2d_errors = 0.867
expect-credit: avg_pool2d_errors = 0.867
"""
_batched = {"max": max_pool2d, "avg": avg_pool2d}


def max_pool2d(input, kernel_size, stride=None, padding=0):
    if input.dim() == 3:
        return _batched["max"](input[None], kernel_size, stride, padding)[0]
    return _batched["max"](input, kernel_size, stride, padding)


def avg_pool2d(input, kernel_size, stride=None, padding=0):
    if input.dim() == 3:
        return _batched["avg"](input[None], kernel_size, stride, padding)[0]
    return _batched["avg"](input, kernel_size, stride, padding)
