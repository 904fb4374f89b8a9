"""filter2d that pads by the kernel's height on both axes (`pad = kernel.shape[0] // 2`): right for square
kernels, but a 1x3 or 3x5 kernel reads the wrong pixels (or crashes). Only the non-square shares are lost.

expect-fail: filter2d_matches_reference, filter2d_small_images
expect-feedback: non-square kernel ✗
expect-feedback: the kernel is taken to be square
expect-credit: filter2d_matches_reference = 0.743
expect-credit: filter2d_small_images = 0.0
"""
import numpy as np


def filter2d(image, kernel):
    if image.ndim != 2:
        raise ValueError("image must be 2-D")
    if kernel.ndim != 2 or kernel.shape[0] % 2 == 0 or kernel.shape[1] % 2 == 0:
        raise ValueError("kernel must be 2-D with odd sides")
    k = kernel.shape[0]
    pad = k // 2
    padded = np.pad(image.astype(np.float32), pad, mode="reflect")
    weights = kernel.astype(np.float32)
    out = np.zeros(image.shape, dtype=np.float32)
    for y in range(image.shape[0]):
        for x in range(image.shape[1]):
            out[y, x] = np.sum(padded[y:y + k, x:x + k] * weights)
    return out
