"""filter2d that converts with `image.astype(np.float32, copy=False)` and writes the results into that
array: for integer images it is a copy, but a float32 image is the same array, so the caller's image is
overwritten (and gradient_magnitude's Gy is then computed from Gx).
Only the image-unchanged share is lost; gradient_magnitude, graded with the grader's filter2d, passes.

expect-fail: filter2d_matches_reference
expect-feedback: modified its input in place
expect-credit: filter2d_matches_reference = 0.743
"""
import numpy as np


def filter2d(image, kernel):
    if image.ndim != 2:
        raise ValueError("image must be 2-D")
    if kernel.ndim != 2 or kernel.shape[0] % 2 == 0 or kernel.shape[1] % 2 == 0:
        raise ValueError("kernel must be 2-D with odd sides")
    out = image.astype(np.float32, copy=False)
    kh, kw = kernel.shape
    padded = np.pad(out, ((kh // 2, kh // 2), (kw // 2, kw // 2)), mode="reflect")
    k = kernel.astype(np.float32)
    for y in range(out.shape[0]):
        for x in range(out.shape[1]):
            out[y, x] = np.sum(padded[y:y + kh, x:x + kw] * k)
    return out
