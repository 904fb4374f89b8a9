"""conv_output_size that only rejects stride == 0 (the division by zero), not a negative stride: stride=-1
gives a size where a ValueError is due.
The stride requirement is lost, and the messages' share ("invalid arguments" names none).

expect-fail: conv_output_size_errors
expect-feedback: for a negative stride
expect-credit: conv_output_size_errors = 0.667
"""


def conv_output_size(n, kernel_size, stride=1, padding=0, dilation=1):
    if n < 1 or kernel_size < 1 or padding < 0 or dilation < 1 or stride == 0:
        raise ValueError("invalid arguments")
    out = (n + 2 * padding - dilation * (kernel_size - 1) - 1) // stride + 1
    if out < 1:
        raise ValueError(f"the kernel does not fit: the output size would be {out}")
    return out
