"""filter2d that filters each channel of a 3-D (H, W, 3) image, as cv2.filter2D does for color images: the
contract's filter2d takes single-channel images only and demands a ValueError.
One of the two requirements of filter2d_errors is lost.

expect-fail: filter2d_errors
expect-feedback: for a 3-D (color
expect-credit: filter2d_errors = 0.6
"""
import numpy as np

_gray_filter2d = filter2d


def filter2d(image, kernel):
    image = np.asarray(image)
    if image.ndim == 3:
        return np.stack([_gray_filter2d(image[:, :, c], kernel) for c in range(image.shape[2])], axis=2)
    return _gray_filter2d(image, kernel)
