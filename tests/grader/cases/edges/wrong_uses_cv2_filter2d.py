"""filter2d calls cv2.filter2D (forbidden there: it must be written by loops).

expect-fail: filter2d_matches_reference, filter2d_small_images, filter2d_errors
expect-feedback: forbidden built-in
expect-credit: filter2d_matches_reference = 0.0
expect-credit: filter2d_small_images = 0.0
expect-credit: filter2d_errors = 0.0
"""
import cv2
import numpy as np


def sobel_kernels():
    gx = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=np.float32)
    gy = gx.T.copy()
    return gx, gy


def filter2d(image, kernel):
    image = np.asarray(image)
    kernel = np.asarray(kernel)
    if image.ndim != 2:
        raise ValueError("image must be 2-D")
    if kernel.ndim != 2 or kernel.shape[0] % 2 == 0 or kernel.shape[1] % 2 == 0:
        raise ValueError("kernel must be 2-D with odd sides")
    img = image.astype(np.float32)
    kh, kw = kernel.shape
    ph, pw = kh // 2, kw // 2
    return cv2.filter2D(img, cv2.CV_32F, kernel.astype(np.float32))


def gradient_magnitude(image, mode="l2"):
    if mode not in ("l1", "l2"):
        raise ValueError(f"unknown mode {mode!r}")
    gx, gy = sobel_kernels()
    a = filter2d(image, gx)
    b = filter2d(image, gy)
    if mode == "l2":
        return np.sqrt(a ** 2 + b ** 2).astype(np.float32)
    return (np.abs(a) + np.abs(b)).astype(np.float32)
