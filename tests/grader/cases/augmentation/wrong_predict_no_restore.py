"""predict_image switches to eval mode and leaves the model there.

expect-fail: predict_image_matches_reference
expect-feedback: the mode is not restored
expect-credit: predict_image_matches_reference = 0.889
"""
import numpy as np
import torch
import torch.nn as nn


def predict_image(model: nn.Module, image_bgr: np.ndarray, classes: list[str]) -> str:
    x = image_to_tensor(image_bgr)
    model.eval()
    with torch.no_grad():
        logits = model(x)
    if logits.shape[-1] != len(classes):
        raise ValueError("classes: one class name per model output")
    return classes[int(logits.argmax(dim=1)[0])]
