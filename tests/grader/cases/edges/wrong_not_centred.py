"""filter2d with the kernel's top-left cell over the pixel (the window starts at (y, x)), the padding all
added at the bottom and right.
The correlation itself is wrong: nothing of filter2d's value tests; gradient_magnitude, graded
with the grader's filter2d, passes.

expect-fail: filter2d_matches_reference, filter2d_small_images
expect-feedback: the kernel is not centred on the pixel
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
    kh, kw = kernel.shape
    padded = np.pad(image.astype(np.float32), ((0, kh - 1), (0, kw - 1)), mode="reflect")
    out = np.zeros(image.shape, dtype=np.float32)
    for y in range(image.shape[0]):
        for x in range(image.shape[1]):
            out[y, x] = np.sum(padded[y:y + kh, x:x + kw] * kernel.astype(np.float32))
    return out
