"""filter2d that mirrors a border index once (-i above the image, 2*(h-1) - i below it): BORDER_REFLECT_101
for every image at least kernel_size // 2 + 1 pixels wide, but a 1xN image or one smaller than the kernel
needs more than one reflection (and reads out of range).
Only filter2d_small_images, which is all about such images, is lost.

expect-fail: filter2d_small_images
expect-feedback: mirrored only once
expect-credit: filter2d_small_images = 0.0
"""
import numpy as np


def _mirror(i, n):
    if i < 0:
        return -i
    if i >= n:
        return 2 * (n - 1) - i
    return i


def filter2d(image, kernel):
    if image.ndim != 2:
        raise ValueError("image must be 2-D")
    if kernel.ndim != 2 or kernel.shape[0] % 2 == 0 or kernel.shape[1] % 2 == 0:
        raise ValueError("kernel must be 2-D with odd sides")
    img = image.astype(np.float32)
    (h, w), (kh, kw) = img.shape, kernel.shape
    out = np.zeros((h, w), dtype=np.float32)
    for y in range(h):
        for x in range(w):
            total = 0.0
            for i in range(kh):
                for j in range(kw):
                    total += float(kernel[i, j]) * img[_mirror(y + i - kh // 2, h), _mirror(x + j - kw // 2, w)]
            out[y, x] = total
    return out
