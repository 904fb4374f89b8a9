"""The picture a student would draw of a failing function: its answer on a real input beside the reference's.

A shrunk counterexample (a 1x3 image) shows *where* a function goes wrong; a real image shows *what*
the mistake does (an edge map with its borders missing, a mirrored response). After a topic's checks,
each function with a failing test (not a stub) is called once more, in the same sandbox, on the input
here, and its first failing test carries the result (``CheckResult.illustration``) for the reports'
pictures. The calls are the checks' own: ``Context.call`` under the same denial and limits.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

import grader
from grader.checks import Case, CheckResult, Context
from grader.checks.feedback import illustration
from grader.sandbox.wire import Array

SHAPE = Path(grader.__file__).resolve().parents[1] / "datasets" / "shapes" / "test" / "square" / "square_000.png"
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
        return None, f"{function} returned {type(outcome.value).__name__}, not an array"
    error = outcome.error or {}
    return None, f"{function} raised {error.get('type', 'an error')}: {error.get('message', '')}".strip()


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


# topic -> function -> its illustration
ILLUSTRATIONS: dict[str, dict[str, Callable[[Context], dict]]] = {
    "edges": {"filter2d": filter2d_on_a_shape, "gradient_magnitude": gradient_magnitude_of_a_shape},
}


def illustrated(topic: str, ctx: Context, checks, outcomes: list[CheckResult]) -> list[CheckResult]:
    """``outcomes`` with the illustration of each failing function on its first failing test."""
    drawn = ILLUSTRATIONS.get(topic, {})
    outcomes, done = list(outcomes), set()
    for i, (check, outcome) in enumerate(zip(checks, outcomes)):
        if outcome.passed or outcome.not_implemented or check.function not in drawn or check.function in done:
            continue
        done.add(check.function)
        outcomes[i] = dataclasses.replace(outcome, illustration=drawn[check.function](ctx))
    return outcomes
