"""gradient_magnitude that treats every mode other than "l1" as "l2" (`if mode == "l1": ... else: ...`):
right for both modes, but mode="l3" returns the l2 magnitude instead of raising ValueError.
The one requirement of gradient_magnitude_errors fails, and no ValueError is raised at all.

expect-fail: gradient_magnitude_errors
expect-feedback: for mode="l3"
expect-credit: gradient_magnitude_errors = 0.0
"""
import numpy as np


def gradient_magnitude(image, mode="l2"):
    gx, gy = sobel_kernels()
    grad_x, grad_y = filter2d(image, gx), filter2d(image, gy)
    if mode == "l1":
        return (np.abs(grad_x) + np.abs(grad_y)).astype(np.float32)
    return np.sqrt(grad_x ** 2 + grad_y ** 2).astype(np.float32)
