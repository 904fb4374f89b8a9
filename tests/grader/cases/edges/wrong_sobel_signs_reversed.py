"""sobel_kernels with the signs reversed, gx = [[1, 0, -1], [2, 0, -2], [1, 0, -1]] (as some textbooks
write it): the magnitudes do not change, but the slides' kernels (and the sign of Gx, Gy) do.

expect-fail: sobel_kernels_values
expect-feedback: the signs are reversed
expect-credit: sobel_kernels_values = 0.0
"""
import numpy as np


def sobel_kernels():
    gx = np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]], dtype=np.float32)
    return gx, gx.T.copy()
