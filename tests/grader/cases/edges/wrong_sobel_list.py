"""sobel_kernels returns [gx, gy], a list: unpacking `gx, gy = sobel_kernels()` works, but the contract's
result is a tuple. Only the tuple's share of sobel_kernels_values is lost (a quarter: the values, half of
the test, and the dtype hold).

expect-fail: sobel_kernels_values
expect-feedback: the contract's result is the tuple (gx, gy)
expect-credit: sobel_kernels_values = 0.75
"""
import numpy as np


def sobel_kernels():
    gx = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=np.float32)
    return [gx, gx.T.copy()]
