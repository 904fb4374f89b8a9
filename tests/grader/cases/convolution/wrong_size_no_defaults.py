"""conv_output_size without defaults, `conv_output_size(n, kernel_size, stride, padding, dilation)`: right
whenever all five are given, but conv_output_size(7, 3) raises TypeError.

expect-fail: conv_output_size_formula, conv_output_size_errors
expect-feedback: (leaving out
expect-feedback: but it raised TypeError
"""
_size_with_defaults = conv_output_size


def conv_output_size(n, kernel_size, stride, padding, dilation):
    return _size_with_defaults(n, kernel_size, stride, padding, dilation)
