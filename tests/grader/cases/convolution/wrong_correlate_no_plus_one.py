"""The output size misses the +1 (H - kH rows): the last row and column are missing, and a kernel as
large as the image gives an empty result.
The correlation itself is wrong: nothing of correlate2d_matches_reference is earned.

expect-fail: correlate2d_matches_reference
expect-feedback: misses the +1
expect-credit: correlate2d_matches_reference = 0.0
"""
import torch


def correlate2d(image, kernel):
    if image.dim() != 2 or kernel.dim() != 2:
        raise ValueError("image and kernel must be 2-D")
    H, W = image.shape
    kH, kW = kernel.shape
    if kH > H or kW > W:
        raise ValueError("the kernel is larger than the image")
    out = torch.zeros(H - kH, W - kW, dtype=image.dtype)
    for y in range(H - kH):
        for x in range(W - kW):
            out[y, x] = (image[y:y + kH, x:x + kW] * kernel).sum()
    return out
