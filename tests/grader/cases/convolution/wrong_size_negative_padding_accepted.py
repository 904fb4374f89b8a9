"""conv_output_size that checks n, kernel_size, stride, dilation and the result, but not that the padding
is non-negative: padding=-1 gives a size where a ValueError is due.
One requirement of the error check is lost (judged: a missed check costs that check, not the test).

expect-fail: conv_output_size_errors
expect-feedback: for negative padding
expect-credit: conv_output_size_errors = 0.867
"""


def conv_output_size(n, kernel_size, stride=1, padding=0, dilation=1):
    if min(n, kernel_size, stride, dilation) < 1:
        raise ValueError("n, kernel_size, stride and dilation must be positive")
    out = (n + 2 * padding - dilation * (kernel_size - 1) - 1) // stride + 1
    if out < 1:
        raise ValueError(f"the output size would be {out}")
    return out
