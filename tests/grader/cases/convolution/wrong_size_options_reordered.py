"""conv_output_size with padding before stride, `conv_output_size(n, kernel_size, padding=0, stride=1,
dilation=1)`: every keyword call is right, but conv_output_size(7, 3, 2) takes 2 for the padding.
Only the positional-arguments share is lost.

expect-fail: conv_output_size_formula
expect-feedback: the signature is not the contract's
expect-credit: conv_output_size_formula = 0.733
"""
_keyword_size = conv_output_size


def conv_output_size(n, kernel_size, padding=0, stride=1, dilation=1):
    return _keyword_size(n, kernel_size, stride=stride, padding=padding, dilation=dilation)
