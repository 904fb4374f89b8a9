"""sobel_kernels returns (gy, gx): the kernel for changes from top to bottom first. The magnitudes do not
change, but the pair of the slides does.

expect-fail: sobel_kernels_values
expect-feedback: gx and gy are swapped
expect-credit: sobel_kernels_values = 0.0
"""
import numpy as np


def sobel_kernels():
    gy = np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]], dtype=np.float32)
    return gy, gy.T.copy()
