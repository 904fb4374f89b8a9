"""predict_image prepares the image itself, the slides' way, without the BGR -> RGB step.

expect-fail: predict_image_matches_reference
expect-feedback: reaches the model in OpenCV's BGR order
expect-credit: predict_image_matches_reference = 0.0
"""
import numpy as np
import torch
import torch.nn as nn
from torchvision import transforms


def predict_image(model: nn.Module, image_bgr: np.ndarray, classes: list[str]) -> str:
    transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5))])
    x = transform(image_bgr).unsqueeze(0)
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            logits = model(x)
    finally:
        model.train(was_training)
    if logits.shape[-1] != len(classes):
        raise ValueError("classes: one class name per model output")
    return classes[int(logits.argmax(dim=1)[0])]
