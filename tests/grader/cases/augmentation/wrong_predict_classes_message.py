"""predict_image raises ValueError when the number of class names is not the model's output width, but the
message speaks of "names" and "outputs" without naming the argument, classes. The message is a part of its
own (a fifth of the points) beside the ValueError.

expect-fail: predict_image_errors
expect-feedback: name `classes` in it
expect-credit: predict_image_errors = 0.8
"""
import numpy as np
import torch
import torch.nn as nn


def predict_image(model: nn.Module, image_bgr: np.ndarray, classes: list[str]) -> str:
    x = image_to_tensor(image_bgr)
    was_training = model.training
    model.eval()
    with torch.no_grad():
        logits = model(x)
    model.train(was_training)
    if logits.shape[1] != len(classes):
        raise ValueError(f"{len(classes)} names for {logits.shape[1]} outputs")
    return classes[int(logits.argmax(dim=1)[0])]
