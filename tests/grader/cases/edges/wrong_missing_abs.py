"""gradient_magnitude's "l1" mode adds the signed responses, Gx + Gy, without absolute values.

expect-fail: gradient_magnitude_matches_reference
expect-feedback: the absolute values are missing
expect-credit: gradient_magnitude_matches_reference = 0.733
"""
import numpy as np


def gradient_magnitude(image, mode="l2"):
    if mode not in ("l1", "l2"):
        raise ValueError(f"unknown mode {mode!r}")
    gx, gy = sobel_kernels()
    a, b = filter2d(image, gx), filter2d(image, gy)
    if mode == "l2":
        return np.sqrt(a ** 2 + b ** 2).astype(np.float32)
    return (a + b).astype(np.float32)
