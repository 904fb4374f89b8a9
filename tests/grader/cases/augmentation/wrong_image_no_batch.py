"""image_to_tensor returns (3, H, W): the batch dimension is missing (BatchNorm2d then refuses it).
The values are right: the batch dimension's part (2 of 8); predict_image is graded with the grader's image_to_tensor.

expect-fail: image_to_tensor_matches_reference
expect-feedback: the batch dimension is missing
expect-credit: image_to_tensor_matches_reference = 0.75
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
    transform = transforms.Compose([
        transforms.ToTensor(),
        transforms.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5)),
    ])
    return transform(rgb)
