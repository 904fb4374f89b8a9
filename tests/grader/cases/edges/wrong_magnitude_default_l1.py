"""gradient_magnitude with "l1" as its default mode: right whenever the mode is given, but
gradient_magnitude(image) must be the "l2" magnitude.
Only the "mode left out" share is lost.

expect-fail: gradient_magnitude_matches_reference
expect-feedback: (leaving out mode)
expect-credit: gradient_magnitude_matches_reference = 0.733
"""
_given_mode = gradient_magnitude


def gradient_magnitude(image, mode="l1"):
    return _given_mode(image, mode)
