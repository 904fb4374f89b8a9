"""predict_image runs the model in eval mode but builds a graph (no torch.no_grad()).

expect-fail: predict_image_matches_reference
expect-feedback: the forward pass is not inside `with torch.no_grad():`
expect-credit: predict_image_matches_reference = 0.889
"""
import numpy as np
import torch
import torch.nn as nn


def predict_image(model: nn.Module, image_bgr: np.ndarray, classes: list[str]) -> str:
    was_training = model.training
    model.eval()
    logits = model(image_to_tensor(image_bgr))
    model.train(was_training)
    if logits.shape[-1] != len(classes):
        raise ValueError("classes: one class name per model output")
    return classes[int(logits.argmax(dim=1)[0])]
