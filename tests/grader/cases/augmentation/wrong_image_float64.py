"""image_to_tensor divides the NumPy array by 255.0: a float64 batch the float32 model cannot take.
A dtype slip: the float32 part (1 of 8); predict_image is graded with the grader's image_to_tensor.

expect-fail: image_to_tensor_matches_reference
expect-feedback: dividing a NumPy array by 255.0 gives float64
expect-credit: image_to_tensor_matches_reference = 0.875
"""
import numpy as np
import torch


def image_to_tensor(image_bgr: np.ndarray) -> torch.Tensor:
    if not isinstance(image_bgr, np.ndarray) or image_bgr.ndim != 3 or image_bgr.shape[2] != 3 \
            or image_bgr.dtype != np.uint8:
        raise ValueError("image_bgr must be an (H, W, 3) uint8 array")
    rgb = image_bgr[:, :, ::-1] / 255.0
    x = torch.from_numpy((rgb - 0.5) / 0.5).permute(2, 0, 1)
    return x.unsqueeze(0)
