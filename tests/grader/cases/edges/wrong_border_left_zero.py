"""filter2d that computes only the pixels where the kernel fits and leaves the border of the output at 0.
A border slip: the border share of filter2d_matches_reference and filter2d_small_images (all border) are
lost; gradient_magnitude, graded with the grader's filter2d in place of this one, passes.

expect-fail: filter2d_matches_reference, filter2d_small_images
expect-feedback: border pixels are left at zero
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
    img, k = image.astype(np.float32), kernel.astype(np.float32)
    kh, kw = k.shape
    out = np.zeros(img.shape, dtype=np.float32)
    for y in range(kh // 2, img.shape[0] - kh // 2):
        for x in range(kw // 2, img.shape[1] - kw // 2):
            out[y, x] = np.sum(img[y - kh // 2:y + kh // 2 + 1, x - kw // 2:x + kw // 2 + 1] * k)
    return out
