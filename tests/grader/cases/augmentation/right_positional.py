"""Correct, written differently: positional arguments everywhere (ColorJitter with all four,
GaussianBlur(5, ...), RandomAdjustSharpness(2, p=0.5)), Normalize with three means; the functional
API (to_tensor, normalize) on a cv2.cvtColor result; torch.max(outputs, 1) as in the slides.
"""
import cv2
import numpy as np
import torch
import torch.nn as nn
import torchvision.transforms.functional as TF
from torchvision import transforms as T


def augmentation_transform(size: int = 40):
    if not size >= 1:
        raise ValueError(f"size={size}: the images need at least one pixel")
    return T.Compose([
        T.ToPILImage(),
        T.Resize(size=[size, size]),
        T.ColorJitter(0.5, 0, 0, 0.3),
        T.RandomRotation((0, 5)),
        T.GaussianBlur(5, (0.1, 5)),
        T.RandomAdjustSharpness(2, p=0.5),
        T.ToTensor(),
        T.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5)),
    ])


def image_to_tensor(image_bgr):
    ok = isinstance(image_bgr, np.ndarray) and image_bgr.dtype == np.uint8 and image_bgr.ndim == 3
    if not ok or image_bgr.shape[2] != 3:
        raise ValueError("image_bgr is not an OpenCV colour image")
    image = TF.to_tensor(cv2.cvtColor(image_bgr, cv2.COLOR_BGR2RGB))
    return TF.normalize(image, [0.5, 0.5, 0.5], [0.5, 0.5, 0.5]).unsqueeze(dim=0)


@torch.no_grad()
def _outputs(model, tensor):
    previous = model.training
    model.train(False)
    try:
        return model(tensor)
    finally:
        model.train(previous)


def predict_image(model, image_bgr, classes):
    outputs = _outputs(model, image_to_tensor(image_bgr))
    if len(classes) != outputs.shape[1]:
        raise ValueError(f"classes has {len(classes)} names for {outputs.shape[1]} outputs")
    _, predicted = torch.max(outputs, 1)
    return classes[predicted]
