"""image_to_tensor converts its argument with np.asarray before checking it, so a uint8 torch.Tensor (not
what cv2.imread returns) is accepted instead of refused.

expect-fail: image_to_tensor_errors
expect-feedback: for a uint8 torch.Tensor
expect-credit: image_to_tensor_errors = 0.84
"""
_reference = image_to_tensor


def image_to_tensor(image_bgr):
    return _reference(np.asarray(image_bgr))
