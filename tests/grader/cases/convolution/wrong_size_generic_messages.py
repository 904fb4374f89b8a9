"""conv_output_size with every check in one condition and one message, ValueError("invalid arguments for a
convolution"): all the checks hold, but the message never says which argument is wrong. Only the messages'
share (a fifth) of conv_output_size_errors is lost.

expect-fail: conv_output_size_errors
expect-feedback: its message does not say which argument is wrong
expect-credit: conv_output_size_errors = 0.8
"""


def conv_output_size(n, kernel_size, stride=1, padding=0, dilation=1):
    if min(n, kernel_size, stride, dilation) < 1 or padding < 0:
        raise ValueError("invalid arguments for a convolution")
    out = (n + 2 * padding - dilation * (kernel_size - 1) - 1) // stride + 1
    if out < 1:
        raise ValueError("invalid arguments for a convolution")
    return out
