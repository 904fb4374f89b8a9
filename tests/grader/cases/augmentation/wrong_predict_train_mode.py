"""predict_image never switches to eval mode: dropout and batch norm act as in training.
Eval mode is the central requirement of inference (2 of 9); the class dropout then picks is not judged again.

expect-fail: predict_image_matches_reference
expect-feedback: model.eval() is not called
expect-credit: predict_image_matches_reference = 0.778
"""
import numpy as np
import torch
import torch.nn as nn


def predict_image(model: nn.Module, image_bgr: np.ndarray, classes: list[str]) -> str:
    x = image_to_tensor(image_bgr)
    with torch.no_grad():
        logits = model(x)
    if logits.shape[-1] != len(classes):
        raise ValueError("classes: one class name per model output")
    return classes[int(logits.argmax(dim=1)[0])]
