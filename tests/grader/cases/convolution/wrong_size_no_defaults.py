"""conv_output_size without defaults, `conv_output_size(n, kernel_size, stride, padding, dilation)`: right
whenever all five are given, but conv_output_size(7, 3) raises TypeError.
Only the "defaults left out" share is lost; the error calls pass every argument by keyword.

expect-fail: conv_output_size_formula
expect-feedback: (leaving out
expect-feedback: raised TypeError
expect-credit: conv_output_size_formula = 0.733
"""
_size_with_defaults = conv_output_size


def conv_output_size(n, kernel_size, stride, padding, dilation):
    return _size_with_defaults(n, kernel_size, stride, padding, dilation)
