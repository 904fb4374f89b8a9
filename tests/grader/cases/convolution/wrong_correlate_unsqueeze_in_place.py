"""correlate2d as a 1x1-channel conv2d, with the batch and channel axes added by `unsqueeze_` (in place)
instead of `unsqueeze`: the values are right, but the caller's image and kernel come back 4-D.
Only the inputs-unchanged part (1 of 6.5) of correlate2d_matches_reference is lost.

expect-fail: correlate2d_matches_reference
expect-feedback: modified its input in place
expect-credit: correlate2d_matches_reference = 0.846
"""
_checked_correlate2d = correlate2d  # the reference, for its argument checks only


def correlate2d(image, kernel):
    _checked_correlate2d(image, kernel)
    image.unsqueeze_(0).unsqueeze_(0)
    kernel.unsqueeze_(0).unsqueeze_(0)
    return conv2d(image, kernel)[0, 0]
