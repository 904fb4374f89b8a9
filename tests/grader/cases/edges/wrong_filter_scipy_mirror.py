"""filter2d through scipy.ndimage.correlate with mode="mirror" (SciPy's name for BORDER_REFLECT_101):
right values, but scipy.ndimage is forbidden here: zero for every filter2d check.

expect-fail: filter2d_matches_reference, filter2d_small_images, filter2d_errors
expect-feedback: forbidden built-in
expect-credit: filter2d_matches_reference = 0.0
expect-credit: filter2d_small_images = 0.0
expect-credit: filter2d_errors = 0.0
"""
import numpy as np
from scipy import ndimage


def filter2d(image, kernel):
    if image.ndim != 2:
        raise ValueError("image must be 2-D")
    if kernel.ndim != 2 or kernel.shape[0] % 2 == 0 or kernel.shape[1] % 2 == 0:
        raise ValueError("kernel must be 2-D with odd sides")
    return ndimage.correlate(image.astype(np.float32), kernel.astype(np.float32), mode="mirror")
