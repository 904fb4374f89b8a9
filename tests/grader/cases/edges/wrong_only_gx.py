"""gradient_magnitude that uses only the horizontal response: |Gx| for both modes.
The default "l2" magnitude itself is wrong: nothing of the value test.

expect-fail: gradient_magnitude_matches_reference
expect-feedback: only Gx is used
expect-credit: gradient_magnitude_matches_reference = 0.0
"""
import numpy as np


def gradient_magnitude(image, mode="l2"):
    if mode not in ("l1", "l2"):
        raise ValueError(f"unknown mode {mode!r}")
    gx, gy = sobel_kernels()
    return np.abs(filter2d(image, gx)).astype(np.float32)
