"""image_to_tensor forgets the BGR -> RGB conversion, as the slides do; predict_image inherits it.
predict_image is graded with the grader's image_to_tensor once this one is known wrong.

expect-fail: image_to_tensor_matches_reference
expect-feedback: OpenCV's BGR order
expect-credit: image_to_tensor_matches_reference = 0.0
"""
import numpy as np
import torch
from torchvision import transforms


def image_to_tensor(image_bgr: np.ndarray) -> torch.Tensor:
    if not isinstance(image_bgr, np.ndarray) or image_bgr.ndim != 3 or image_bgr.shape[2] != 3 \
            or image_bgr.dtype != np.uint8:
        raise ValueError("image_bgr must be an (H, W, 3) uint8 array")
    transform = transforms.Compose([
        transforms.ToTensor(),
        transforms.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5)),
    ])
    return transform(image_bgr).unsqueeze(0)
