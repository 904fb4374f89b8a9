"""correlate2d reads kernel[i, j] against image[y + j, x + i]: rows and columns swapped.
The correlation itself is wrong: nothing of correlate2d_matches_reference is earned.

expect-fail: correlate2d_matches_reference
expect-feedback: rows and columns of the kernel
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
            total = 0.0
            for i in range(kH):
                for j in range(kW):
                    total += image[y + j, x + i] * kernel[i, j]
            out[y, x] = total
    return out
