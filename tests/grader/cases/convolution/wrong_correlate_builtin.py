"""correlate2d through F.conv2d on a batch of one image and one kernel: right values, but built-in
convolutions are forbidden here: zero for every correlate2d check.

expect-fail: correlate2d_matches_reference, correlate2d_errors
expect-feedback: forbidden built-in
expect-credit: correlate2d_matches_reference = 0.0
expect-credit: correlate2d_errors = 0.0
"""
import torch.nn.functional as F

_checked_correlate2d = correlate2d  # the reference, for its argument checks only


def correlate2d(image, kernel):
    _checked_correlate2d(image, kernel)
    return F.conv2d(image[None, None], kernel[None, None])[0, 0]
