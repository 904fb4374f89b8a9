"""image_to_tensor applies ToTensor only: values in [0, 1] where the model was trained on [-1, 1].

expect-fail: image_to_tensor_matches_reference
expect-feedback: Normalize is missing
expect-credit: image_to_tensor_matches_reference = 0.0
"""
import cv2
import numpy as np
import torch
from torchvision import transforms


def image_to_tensor(image_bgr: np.ndarray) -> torch.Tensor:
    if not isinstance(image_bgr, np.ndarray) or image_bgr.ndim != 3 or image_bgr.shape[2] != 3 \
            or image_bgr.dtype != np.uint8:
        raise ValueError("image_bgr must be an (H, W, 3) uint8 array")
    rgb = cv2.cvtColor(image_bgr, cv2.COLOR_BGR2RGB)
    return transforms.ToTensor()(rgb).unsqueeze(0)
