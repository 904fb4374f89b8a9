"""correlate2d without the check that the kernel fits: a kernel one row taller than the image gives an
output of 0 rows, and an empty tensor comes back instead of a ValueError.
One of the three requirements of correlate2d_errors is lost.

expect-fail: correlate2d_errors
expect-feedback: when the kernel is taller than the image
expect-credit: correlate2d_errors = 0.733
"""
import torch


def correlate2d(image, kernel):
    if image.dim() != 2 or kernel.dim() != 2:
        raise ValueError("image and kernel must be 2-D")
    (h, w), (kh, kw) = image.shape, kernel.shape
    out = image.new_zeros((max(h - kh + 1, 0), max(w - kw + 1, 0)))
    for y in range(out.shape[0]):
        for x in range(out.shape[1]):
            out[y, x] = (image[y:y + kh, x:x + kw] * kernel).sum()
    return out
