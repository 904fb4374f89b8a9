"""image_to_tensor refuses what is not an (H, W, 3) uint8 array, but its ValueError does not say which argument
is wrong ("expected a colour image"). The messages are a part of their own (a fifth of the points) beside
the ValueErrors.

expect-fail: image_to_tensor_errors
expect-feedback: name `image_bgr` in it
expect-credit: image_to_tensor_errors = 0.8
"""
_reference = image_to_tensor


def image_to_tensor(image_bgr):
    if not isinstance(image_bgr, np.ndarray) or image_bgr.dtype != np.uint8 or image_bgr.ndim != 3 \
            or image_bgr.shape[2] != 3:
        raise ValueError("expected a colour image as cv2.imread returns it")
    return _reference(image_bgr)
