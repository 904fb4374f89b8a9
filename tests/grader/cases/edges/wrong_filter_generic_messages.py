"""filter2d whose checks raise ValueError("filter2d: unsupported input") for an even kernel and for an
image that is not 2-D alike: the checks hold, but the message never says which argument is wrong. Only the
messages' share (a fifth) of filter2d_errors is lost.

expect-fail: filter2d_errors
expect-feedback: its message does not say which argument is wrong
expect-credit: filter2d_errors = 0.8
"""
_checked_filter2d = filter2d


def filter2d(image, kernel):
    try:
        return _checked_filter2d(image, kernel)
    except ValueError:
        raise ValueError("filter2d: unsupported input") from None
