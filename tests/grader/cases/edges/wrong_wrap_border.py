"""filter2d padding with np.pad(mode="wrap"): the border continues from the other side of the image.
A border slip: the border share of filter2d_matches_reference and filter2d_small_images (all border) are
lost; gradient_magnitude, graded with the grader's filter2d in place of this one, passes.

expect-fail: filter2d_matches_reference, filter2d_small_images
expect-feedback: BORDER_WRAP
expect-credit: filter2d_matches_reference = 0.743
expect-credit: filter2d_small_images = 0.0
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
