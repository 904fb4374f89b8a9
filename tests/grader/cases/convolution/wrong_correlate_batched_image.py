"""correlate2d that slides the kernel over the last two axes, `image[..., y:y+kH, x:x+kW]`: right for a 2-D
image, but a 3-D image comes back as a stack of correlations instead of a ValueError.
One of the three requirements of correlate2d_errors is lost.

expect-fail: correlate2d_errors
expect-feedback: for a 3-D image
expect-credit: correlate2d_errors = 0.733
"""
import torch


def correlate2d(image, kernel):
    if kernel.dim() != 2:
        raise ValueError("kernel must be 2-D")
    (h, w), (kh, kw) = image.shape[-2:], kernel.shape
    if kh > h or kw > w:
        raise ValueError("the kernel is larger than the image")
    out = image.new_zeros(image.shape[:-2] + (h - kh + 1, w - kw + 1))
    for y in range(h - kh + 1):
        for x in range(w - kw + 1):
            out[..., y, x] = (image[..., y:y + kh, x:x + kw] * kernel).sum(dim=(-2, -1))
    return out
