"""The grader's own versions of student functions that other student functions call.

Where a function is checked through another student function that already failed its own test (a
``gradient_magnitude`` through a wrong ``filter2d``), the check asks for the call with the callee
replaced by the version here (``Context.call(..., callees=...)``), so that one mistake is charged once.
Each follows the contract's words for the callee; this is trusted code that runs in the child.
"""

from __future__ import annotations

import cv2
import numpy as np
import torch

_GX = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=np.float32)


def sobel_kernels():
    return _GX.copy(), _GX.T.copy()


def filter2d(image, kernel):
    return cv2.filter2D(np.asarray(image).astype(np.float32), cv2.CV_32F, np.asarray(kernel))


def deriv(x):
    return 2 * x - 6


def sigmoid(z):
    return torch.sigmoid(z)


def log_softmax(logits, dim=-1):
    return logits - torch.logsumexp(logits, dim=dim, keepdim=True)  # torch.log_softmax is denied in cross_entropy


def softmax(logits, dim=-1):
    return torch.exp(log_softmax(logits, dim))


def train_epoch(model, loader, loss_fn, optimizer):
    model.train()
    losses = []
    for x, y in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return sum(losses) / len(losses)


def evaluate(model, loader, loss_fn):
    model.eval()
    with torch.no_grad():
        losses = [loss_fn(model(x), y).item() for x, y in loader]
    return sum(losses) / len(losses)


def image_to_tensor(image_bgr):
    if not (isinstance(image_bgr, np.ndarray) and image_bgr.dtype == np.uint8 and image_bgr.shape[2:] == (3,)):
        raise ValueError("image_bgr must be an (H, W, 3) uint8 array")
    rgb = torch.from_numpy(cv2.cvtColor(image_bgr, cv2.COLOR_BGR2RGB))
    return ((rgb.permute(2, 0, 1).float() / 255 - 0.5) / 0.5).unsqueeze(0)


TRUSTED = {
    "edges": {"sobel_kernels": sobel_kernels, "filter2d": filter2d},
    "gradient_descent": {"deriv": deriv},
    "perceptron": {"sigmoid": sigmoid},
    "classification": {"softmax": softmax, "log_softmax": log_softmax},
    "training": {"train_epoch": train_epoch, "evaluate": evaluate},
    "augmentation": {"image_to_tensor": image_to_tensor},
}
