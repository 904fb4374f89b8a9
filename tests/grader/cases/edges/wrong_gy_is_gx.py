"""gradient_magnitude filtering twice with gx (a copy-paste slip): Gy is computed with gx.
The default "l2" magnitude itself is wrong: nothing of the value test.

expect-fail: gradient_magnitude_matches_reference
expect-feedback: Gy is computed with gx
expect-credit: gradient_magnitude_matches_reference = 0.0
"""
import numpy as np


def gradient_magnitude(image, mode="l2"):
    if mode not in ("l1", "l2"):
        raise ValueError(f"unknown mode {mode!r}")
    gx, gy = sobel_kernels()
    a, b = filter2d(image, gx), filter2d(image, gx)
    if mode == "l2":
        return np.sqrt(a ** 2 + b ** 2).astype(np.float32)
    return (np.abs(a) + np.abs(b)).astype(np.float32)
