"""filter2d writing into np.zeros_like(image): right for float32 images (the core), but uint8 and int images
get integer (cut, wrapped) results of their own dtype, float64 images a float64 result. Only the image-dtypes
share is lost; gradient_magnitude, graded with the grader's filter2d in place of this one, passes.

expect-fail: filter2d_matches_reference
expect-feedback: the output array takes the image's dtype
expect-credit: filter2d_matches_reference = 0.743
"""
import numpy as np


def filter2d(image, kernel):
    image, kernel = np.asarray(image), np.asarray(kernel)
    if image.ndim != 2:
        raise ValueError("image must be 2-D")
    if kernel.ndim != 2 or kernel.shape[0] % 2 == 0 or kernel.shape[1] % 2 == 0:
        raise ValueError("kernel must be 2-D with odd sides")
    kh, kw = kernel.shape
    padded = np.pad(image.astype(np.float32), ((kh // 2, kh // 2), (kw // 2, kw // 2)), mode="reflect")
    out = np.zeros_like(image)
    for y in range(image.shape[0]):
        for x in range(image.shape[1]):
            out[y, x] = np.sum(padded[y:y + kh, x:x + kw] * kernel.astype(np.float32))
    return out
