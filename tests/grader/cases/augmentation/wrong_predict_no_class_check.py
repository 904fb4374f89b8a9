"""predict_image never compares len(classes) with the model's output width.

expect-fail: predict_image_errors
expect-feedback: should raise ValueError when classes has
expect-credit: predict_image_errors = 0.0
"""
import numpy as np
import torch
import torch.nn as nn


def predict_image(model: nn.Module, image_bgr: np.ndarray, classes: list[str]) -> str:
    x = image_to_tensor(image_bgr)
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            logits = model(x)
    finally:
        model.train(was_training)
    return classes[int(logits.argmax(dim=1)[0]) % len(classes)]
