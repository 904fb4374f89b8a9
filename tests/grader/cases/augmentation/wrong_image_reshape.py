"""image_to_tensor moves the channels with reshape instead of permute, which scrambles the pixels.

expect-fail: image_to_tensor_matches_reference
expect-feedback: reshape/view
expect-credit: image_to_tensor_matches_reference = 0.0
"""
import numpy as np
import torch


def image_to_tensor(image_bgr: np.ndarray) -> torch.Tensor:
    if not isinstance(image_bgr, np.ndarray) or image_bgr.ndim != 3 or image_bgr.shape[2] != 3 \
            or image_bgr.dtype != np.uint8:
        raise ValueError("image_bgr must be an (H, W, 3) uint8 array")
    h, w, _ = image_bgr.shape
    rgb = torch.from_numpy(image_bgr[:, :, ::-1].copy()).float() / 255
    return ((rgb - 0.5) / 0.5).reshape(1, 3, h, w)
