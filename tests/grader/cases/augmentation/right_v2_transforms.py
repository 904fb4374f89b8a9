"""Correct, written differently: the pipeline from torchvision.transforms.v2 ending in ToImage and
ToDtype(scale=True), a three-channel Normalize; image_to_tensor with NumPy slicing and tensor
arithmetic; predict_image under torch.inference_mode with an explicit restore of the mode.
"""
import numpy as np
import torch
import torch.nn as nn
from torchvision.transforms import v2


def augmentation_transform(size=40):
    if size <= 0:
        raise ValueError("size: must be positive")
    steps = [v2.ToPILImage(), v2.Resize([size, size])]
    steps.append(v2.ColorJitter(brightness=0.5, hue=0.3))
    steps.append(v2.RandomRotation(degrees=[0.0, 5.0]))
    steps.append(v2.GaussianBlur(5, sigma=(0.1, 5.0)))
    steps.append(v2.RandomAdjustSharpness(2))
    steps += [v2.ToImage(), v2.ToDtype(torch.float32, scale=True), v2.Normalize([0.5] * 3, [0.5] * 3)]
    return v2.Compose(steps)


def image_to_tensor(image_bgr):
    if type(image_bgr) is not np.ndarray or image_bgr.dtype != np.uint8 or image_bgr.shape[-1:] != (3,) \
            or len(image_bgr.shape) != 3:
        raise ValueError("image_bgr: expected an (H, W, 3) uint8 array")
    rgb = np.ascontiguousarray(image_bgr[..., ::-1])
    x = torch.from_numpy(rgb).permute(2, 0, 1).to(torch.float32) / 255.0
    return ((x - 0.5) / 0.5)[None]


def predict_image(model, image_bgr, classes):
    batch = image_to_tensor(image_bgr)
    mode = model.training
    model.eval()
    with torch.inference_mode():
        scores = model(batch)
    if mode:
        model.train()
    if scores.size(1) != len(classes):
        raise ValueError("classes: one name per output of the model")
    return classes[scores.argmax().item()]
