"""correlate2d flips the kernel (the textbook convolution).
The correlation itself is wrong: nothing of correlate2d_matches_reference is earned.

expect-fail: correlate2d_matches_reference
expect-feedback: flips the kernel
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
    out = torch.zeros(H - kH + 1, W - kW + 1, dtype=image.dtype)
    for y in range(H - kH + 1):
        for x in range(W - kW + 1):
            out[y, x] = (image[y:y + kH, x:x + kW] * kernel.flip(0, 1)).sum()
    return out
