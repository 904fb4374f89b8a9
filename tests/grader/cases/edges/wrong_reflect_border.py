"""filter2d mirrors including the edge pixel (BORDER_REFLECT, NumPy's "symmetric") instead of BORDER_REFLECT_101.
A border slip: the border share of filter2d_matches_reference and filter2d_small_images (all border) are
lost; gradient_magnitude, graded with the grader's filter2d in place of this one, passes.

expect-fail: filter2d_matches_reference, filter2d_small_images
expect-feedback: including the edge pixel
expect-credit: filter2d_matches_reference = 0.743
expect-credit: filter2d_small_images = 0.0
"""
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
    padded = np.pad(img, ((ph, ph), (pw, pw)), mode="symmetric")
    k = kernel.astype(np.float32)
    h, w = img.shape
    out = np.zeros((h, w), dtype=np.float32)
    for y in range(h):
        for x in range(w):
            out[y, x] = np.sum(padded[y:y + kh, x:x + kw] * k)
    return out


def gradient_magnitude(image, mode="l2"):
    if mode not in ("l1", "l2"):
        raise ValueError(f"unknown mode {mode!r}")
    gx, gy = sobel_kernels()
    a = filter2d(image, gx)
    b = filter2d(image, gy)
    if mode == "l2":
        return np.sqrt(a ** 2 + b ** 2).astype(np.float32)
    return (np.abs(a) + np.abs(b)).astype(np.float32)
