"""``filter2d`` and ``gradient_magnitude`` on a square of ``datasets/shapes``, beside OpenCV's answers."""

from __future__ import annotations

import cv2
import numpy as np

from grader.checks import Case, Context
from grader.checks.feedback import illustration
from grader.sandbox.wire import Array
from grader.topics.illustrations.common import SHAPES, kind_of, no_answer

SHAPE = SHAPES / "test" / "square" / "square_000.png"
SOBEL_X = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=np.float32)


def _shape() -> np.ndarray:
    """A 32 x 32 grey shape from ``datasets/shapes``, as float32."""
    return cv2.imread(str(SHAPE), cv2.IMREAD_GRAYSCALE).astype(np.float32)


def _answer(ctx: Context, function: str, args: tuple) -> tuple[np.ndarray | None, str]:
    """``function(*args)`` in the sandbox: the array it returned, or None and what happened instead."""
    outcome = ctx.call(function, Case(args))
    if outcome.ok and isinstance(outcome.value, Array):
        return outcome.value.data, ""
    if outcome.ok:
        return None, f"{function} returned {kind_of(outcome.value)}, not an array"
    return None, no_answer(function, outcome)


def filter2d_on_a_shape(ctx: Context) -> dict:
    image = _shape()
    got, words = _answer(ctx, "filter2d", (image, SOBEL_X))
    expected = cv2.filter2D(image, cv2.CV_32F, SOBEL_X)
    return illustration("filter2d(image, Sobel x kernel) on a square from datasets/shapes", image, expected, got, words)


def gradient_magnitude_of_a_shape(ctx: Context) -> dict:
    image = _shape()
    got, words = _answer(ctx, "gradient_magnitude", (image,))
    gx, gy = cv2.filter2D(image, cv2.CV_32F, SOBEL_X), cv2.filter2D(image, cv2.CV_32F, SOBEL_X.T.copy())
    expected = np.sqrt(gx**2 + gy**2)
    return illustration(
        "gradient_magnitude(image): the edge map of a square from datasets/shapes", image, expected, got, words
    )


ILLUSTRATIONS = {"filter2d": filter2d_on_a_shape, "gradient_magnitude": gradient_magnitude_of_a_shape}
