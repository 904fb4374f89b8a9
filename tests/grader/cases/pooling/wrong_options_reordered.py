"""max_pool2d with its options in another order, `max_pool2d(input, kernel_size, padding=0, stride=None)`:
every keyword call is right, but a positional call such as max_pool2d(x, 2, 1) (stride 1, as on the
slides) takes 1 for the padding. Only the "positional arguments" share of the main property is lost (the
error calls pass every argument by keyword).

expect-fail: max_pool2d_matches_reference
expect-feedback: the signature is not the contract's
expect-credit: max_pool2d_matches_reference = 0.769
"""
_keyword_max_pool2d = max_pool2d


def max_pool2d(input, kernel_size, padding=0, stride=None):
    return _keyword_max_pool2d(input, kernel_size, stride=stride, padding=padding)
