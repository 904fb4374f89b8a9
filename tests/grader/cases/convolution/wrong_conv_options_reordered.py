"""conv2d with padding before stride, `conv2d(input, weight, bias=None, padding=0, stride=1, dilation=1)`:
every keyword call is right, but a positional call such as conv2d(x, w, b, 2, 1) takes 2 for the padding.
Only the "positional arguments" share of conv2d_matches_reference is lost (the error calls pass every
argument by keyword).

expect-fail: conv2d_matches_reference
expect-feedback: the signature is not the contract's
expect-credit: conv2d_matches_reference = 0.767
"""
_keyword_conv2d = conv2d


def conv2d(input, weight, bias=None, padding=0, stride=1, dilation=1):
    return _keyword_conv2d(input, weight, bias, stride=stride, padding=padding, dilation=dilation)
