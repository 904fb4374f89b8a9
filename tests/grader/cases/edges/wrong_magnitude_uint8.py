"""gradient_magnitude converted for display as in the OpenCV tutorials: cv2.convertScaleAbs gives uint8.
Not a dtype-only slip: every value is rounded and cut at 255, so nothing of the value test is earned.

expect-fail: gradient_magnitude_matches_reference
expect-feedback: converted to uint8
expect-credit: gradient_magnitude_matches_reference = 0.0
"""
import cv2
import numpy as np


def gradient_magnitude(image, mode="l2"):
    if mode not in ("l1", "l2"):
        raise ValueError(f"unknown mode {mode!r}")
    gx, gy = sobel_kernels()
    a, b = filter2d(image, gx), filter2d(image, gy)
    if mode == "l2":
        return cv2.convertScaleAbs(np.sqrt(a ** 2 + b ** 2))
    return cv2.convertScaleAbs(np.abs(a) + np.abs(b))
