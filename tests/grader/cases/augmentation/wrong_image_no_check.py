"""image_to_tensor never checks its input: a BGRA or float image goes through without a ValueError.

expect-fail: image_to_tensor_errors
expect-feedback: should raise ValueError for a (1, 2, 4) BGRA image
expect-credit: image_to_tensor_errors = 0.16
"""
import cv2
import numpy as np
import torch
from torchvision import transforms


def image_to_tensor(image_bgr: np.ndarray) -> torch.Tensor:
    rgb = cv2.cvtColor(image_bgr, cv2.COLOR_BGR2RGB) if image_bgr.ndim == 3 and image_bgr.shape[2] == 3 \
        else image_bgr
    transform = transforms.Compose([
        transforms.ToTensor(),
        transforms.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5)),
    ])
    if image_bgr.ndim == 2:
        raise ValueError("a grayscale image has no channels")
    return transform(rgb).unsqueeze(0)
