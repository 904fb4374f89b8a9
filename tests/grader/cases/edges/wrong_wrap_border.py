"""filter2d padding with np.pad(mode="wrap"): the border continues from the other side of the image.

expect-fail: filter2d_matches_reference, filter2d_small_images, gradient_magnitude_matches_reference
expect-feedback: BORDER_WRAP
"""
import numpy as np


def filter2d(image, kernel):
    image, kernel = np.asarray(image), np.asarray(kernel)
    if image.ndim != 2:
        raise ValueError("image must be 2-D")
    if kernel.ndim != 2 or kernel.shape[0] % 2 == 0 or kernel.shape[1] % 2 == 0:
        raise ValueError("kernel must be 2-D with odd sides")
    kh, kw = kernel.shape
    padded = np.pad(image.astype(np.float32), ((kh // 2, kh // 2), (kw // 2, kw // 2)), mode="wrap")
    out = np.zeros(image.shape, dtype=np.float32)
    for y in range(image.shape[0]):
        for x in range(image.shape[1]):
            out[y, x] = np.sum(padded[y:y + kh, x:x + kw] * kernel.astype(np.float32))
    return out
