"""conv_output_size that checks n, stride, padding, dilation and the result, but not kernel_size: a kernel
of size 0 gives a positive size (n + 1), which comes back instead of a ValueError.
One requirement of the error check is lost (judged: a missed check costs that check, not the test).

expect-fail: conv_output_size_errors
expect-feedback: for kernel_size = 0
expect-credit: conv_output_size_errors = 0.867
"""


def conv_output_size(n, kernel_size, stride=1, padding=0, dilation=1):
    if n < 1 or stride < 1 or padding < 0 or dilation < 1:
        raise ValueError("n, stride and dilation must be positive, padding non-negative")
    out = (n + 2 * padding - dilation * (kernel_size - 1) - 1) // stride + 1
    if out < 1:
        raise ValueError(f"the kernel does not fit: the output size would be {out}")
    return out
