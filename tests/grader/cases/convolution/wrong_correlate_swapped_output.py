"""The output is allocated as (W - kW + 1, H - kH + 1): right on square images; on others the windows
leave the image and the product raises a shape error (or broadcasts). Only the non-square part (1.5 of
6.5) of correlate2d_matches_reference is lost.

expect-fail: correlate2d_matches_reference
expect-feedback: height and width are swapped
expect-credit: correlate2d_matches_reference = 0.769
"""
import torch


def correlate2d(image, kernel):
    if image.dim() != 2 or kernel.dim() != 2:
        raise ValueError("image and kernel must be 2-D")
    H, W = image.shape
    kH, kW = kernel.shape
    if kH > H or kW > W:
        raise ValueError("the kernel is larger than the image")
    out = torch.zeros(W - kW + 1, H - kH + 1, dtype=image.dtype)
    for y in range(out.shape[0]):
        for x in range(out.shape[1]):
            out[y, x] = (image[y:y + kH, x:x + kW] * kernel).sum()
    return out
