"""conv2d without a default for bias, `conv2d(input, weight, bias, stride=1, padding=0, dilation=1)`: right
whenever a bias (or None) is passed, but the simplest call conv2d(x, w) raises TypeError.
Only the "defaults left out" share is lost: the other searches pass bias=None by keyword.

expect-fail: conv2d_matches_reference
expect-feedback: leaving out bias
expect-feedback: raised TypeError
expect-credit: conv2d_matches_reference = 0.767
"""
_conv2d_with_bias = conv2d


def conv2d(input, weight, bias, stride=1, padding=0, dilation=1):
    return _conv2d_with_bias(input, weight, bias, stride, padding, dilation)
