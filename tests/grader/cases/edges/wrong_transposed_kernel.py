"""filter2d indexing the kernel as kernel[j, i] (rows and columns swapped): right for symmetric square
kernels, wrong otherwise. The Sobel magnitudes do not change (gx and gy trade places), so
gradient_magnitude still passes.
The correlation itself is wrong: nothing of filter2d's value tests.

expect-fail: filter2d_matches_reference, filter2d_small_images
expect-feedback: rows and columns of the kernel are swapped
expect-credit: filter2d_matches_reference = 0.0
expect-credit: filter2d_small_images = 0.0
"""
import numpy as np


def filter2d(image, kernel):
    image, kernel = np.asarray(image), np.asarray(kernel)
    if image.ndim != 2:
        raise ValueError("image must be 2-D")
    if kernel.ndim != 2 or kernel.shape[0] % 2 == 0 or kernel.shape[1] % 2 == 0:
        raise ValueError("kernel must be 2-D with odd sides")
    k = kernel.T.astype(np.float32)
    kh, kw = k.shape
    padded = np.pad(image.astype(np.float32), ((kh // 2, kh // 2), (kw // 2, kw // 2)), mode="reflect")
    out = np.zeros(image.shape, dtype=np.float32)
    for y in range(image.shape[0]):
        for x in range(image.shape[1]):
            out[y, x] = np.sum(padded[y:y + kh, x:x + kw] * k)
    return out
