"""Correct: BORDER_REFLECT_101 by folding every index back into the image, one pixel at a time,
accumulated in float64 and cast to float32 at the end; gradient magnitudes with np.hypot.
"""
import numpy as np


def sobel_kernels():
    gx = np.zeros((3, 3), dtype=np.float32)
    gx[:, 0] = [-1, -2, -1]
    gx[:, 2] = [1, 2, 1]
    return gx, np.ascontiguousarray(gx.T)


def _fold(i, n):
    """Mirror index i into [0, n) without repeating the edge pixel (BORDER_REFLECT_101)."""
    if n == 1:
        return 0
    while i < 0 or i >= n:
        if i < 0:
            i = -i
        if i >= n:
            i = 2 * (n - 1) - i
    return i


def filter2d(image, kernel):
    if not isinstance(image, np.ndarray) or image.ndim != 2:
        raise ValueError("filter2d expects a single-channel (2-D) image")
    kernel = np.asarray(kernel, dtype=np.float32)
    if kernel.ndim != 2:
        raise ValueError("kernel: expected a 2-D array")
    kh, kw = kernel.shape
    if kh % 2 != 1 or kw % 2 != 1:
        raise ValueError(f"kernel: sides must be odd, got {kernel.shape}")
    img = image.astype(np.float32)
    h, w = img.shape
    out = np.empty((h, w), dtype=np.float32)
    for y in range(h):
        for x in range(w):
            acc = 0.0
            for i in range(kh):
                yy = _fold(y + i - kh // 2, h)
                for j in range(kw):
                    acc += float(kernel[i, j]) * float(img[yy, _fold(x + j - kw // 2, w)])
            out[y, x] = acc
    return out


def gradient_magnitude(image, mode="l2"):
    gx, gy = sobel_kernels()
    if mode == "l2":
        return np.hypot(filter2d(image, gx), filter2d(image, gy)).astype(np.float32)
    if mode == "l1":
        return (np.abs(filter2d(image, gx)) + np.abs(filter2d(image, gy))).astype(np.float32)
    raise ValueError("mode must be 'l1' or 'l2'")
