"""conv_output_size that leaves n to the result check: n = 0 gives a size below 1 without padding, but with
padding=2 a 3-tap kernel fits into the 4 padding cells and a size of 2 comes back instead of a ValueError.
The n requirement is lost, and the messages' share: n = 0 is caught by the result check, whose
message does not name n.

expect-fail: conv_output_size_errors
expect-feedback: for n = 0, even though the padded input
expect-credit: conv_output_size_errors = 0.667
"""


def conv_output_size(n, kernel_size, stride=1, padding=0, dilation=1):
    if kernel_size < 1 or stride < 1 or padding < 0 or dilation < 1:
        raise ValueError("kernel_size, stride and dilation must be positive, padding non-negative")
    out = (n + 2 * padding - dilation * (kernel_size - 1) - 1) // stride + 1
    if out < 1:
        raise ValueError(f"the kernel does not fit: the output size would be {out}")
    return out
