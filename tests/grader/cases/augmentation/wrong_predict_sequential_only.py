"""predict_image checks the class names against model[-1].out_features before running the model: right for an
nn.Sequential that ends in its Linear layer, but any nn.Module can be the model, and a custom one cannot be
indexed (TypeError). The contract's "any nn.Module": its own part of the prediction test (1 of 9).

expect-fail: predict_image_matches_reference
expect-feedback: where the same layers in an nn.Sequential work
expect-feedback: the code reaches into the model's layers
expect-credit: predict_image_matches_reference = 0.889
"""
import numpy as np
import torch
import torch.nn as nn


def predict_image(model: nn.Module, image_bgr: np.ndarray, classes: list[str]) -> str:
    if len(classes) != model[-1].out_features:
        raise ValueError(f"classes has {len(classes)} names but the model has {model[-1].out_features} outputs")
    x = image_to_tensor(image_bgr)
    was_training = model.training
    model.eval()
    with torch.no_grad():
        logits = model(x)
    model.train(was_training)
    return classes[int(logits.argmax(dim=1)[0])]
