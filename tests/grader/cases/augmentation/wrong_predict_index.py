"""predict_image returns the class index (as the slides print `predicted`), not the name.
The class name is predict_image's result: a wrong one keeps nothing of that test.

expect-fail: predict_image_matches_reference
expect-feedback: return the class's name, classes[index]
expect-credit: predict_image_matches_reference = 0.0
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
    if logits.shape[-1] != len(classes):
        raise ValueError("classes: one class name per model output")
    return int(logits.argmax(dim=1)[0])
