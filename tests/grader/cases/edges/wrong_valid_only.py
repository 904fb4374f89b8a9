"""filter2d returning the 'valid' correlation only (no border handling): the output is smaller than the image.
A border slip: the border share of filter2d_matches_reference and filter2d_small_images (all border) are
lost; gradient_magnitude, graded with the grader's filter2d in place of this one, passes.

expect-fail: filter2d_matches_reference, filter2d_small_images
expect-feedback: only the positions where the kernel fits entirely
expect-credit: filter2d_matches_reference = 0.743
expect-credit: filter2d_small_images = 0.0
"""
import numpy as np


def filter2d(image, kernel):
    image, kernel = np.asarray(image), np.asarray(kernel)
    if image.ndim != 2:
        raise ValueError("image must be 2-D")
    if kernel.ndim != 2 or kernel.shape[0] % 2 == 0 or kernel.shape[1] % 2 == 0:
        raise ValueError("kernel must be 2-D with odd sides")
    img, k = image.astype(np.float32), kernel.astype(np.float32)
    kh, kw = k.shape
    h, w = img.shape[0] - kh + 1, img.shape[1] - kw + 1
    out = np.zeros((max(h, 0), max(w, 0)), dtype=np.float32)
    for y in range(out.shape[0]):
        for x in range(out.shape[1]):
            out[y, x] = np.sum(img[y:y + kh, x:x + kw] * k)
    return out
