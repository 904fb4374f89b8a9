"""``capture_outputs`` on the case-study CNN looking at a square of ``datasets/shapes``: the feature maps of one
layer beside those our own hooks capture.

The CNN's four conv1 filters are edge detectors (Sobel x, Sobel y and the two diagonals), so its feature
maps show the square's edges, as the case study's trained filters show the lines'.
"""

from __future__ import annotations

import functools

import cv2
import numpy as np
import torch

from grader.checks import Case, Context
from grader.checks.feedback import illustration
from grader.sandbox import probes
from grader.sandbox.wire import Array
from grader.topics import hooks
from grader.topics.illustrations.common import SHAPES, kind_of, no_answer

SOURCE = SHAPES / "test" / "square" / "square_005.png"
NAMES = ["conv1", "relu1", "maxp1"]
SPEC = {"kind": "cnn", "channels": 4, "dtype": "float32"}  # the case-study CNN on 1 x 10 x 10 images
SOBEL = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=np.float32)
DIAGONAL = np.array([[0, 1, 2], [-1, 0, 1], [-2, -1, 0]], dtype=np.float32)
FILTERS = np.stack([SOBEL, SOBEL.T, DIAGONAL, np.fliplr(DIAGONAL)])[:, None]  # 4 x 1 x 3 x 3


@functools.cache
def _case() -> Case:
    """The square, shrunk to the CNN's 10 x 10 grey input in [0, 1), and the CNN's weights."""
    grey = cv2.imread(str(SOURCE), cv2.IMREAD_GRAYSCALE)
    small = cv2.resize(grey, (10, 10), interpolation=cv2.INTER_AREA).astype(np.float32) / 256  # exact: sums too
    state = hooks.random_state(SPEC, 0)
    state["conv1.weight"], state["conv1.bias"] = torch.from_numpy(FILTERS.copy()), torch.zeros(4)
    return Case((torch.from_numpy(small)[None, None], NAMES), {"spec": SPEC, "state": state, "keyword": False})


@functools.cache
def _expected() -> dict[str, np.ndarray]:
    return {name: tensor.numpy() for name, tensor in hooks.capture(_case()).items()}


def _wrong(result: dict, name: str, expected: np.ndarray) -> bool:
    """Is the student's entry for ``name`` missing, not an array, or not the reference's?"""
    value = result.get(name)
    if not isinstance(value, Array) or value.data.shape != expected.shape:
        return True
    return not np.allclose(value.data.astype(np.float64), expected, rtol=1e-4, atol=1e-5)


def _entry(result: dict, name: str) -> tuple[np.ndarray | None, str]:
    """The student's array for ``name``, or None and what they gave instead."""
    value = result.get(name)
    if isinstance(value, Array):
        return value.data, ""
    if name not in result:
        return None, f"capture_outputs returned no entry for {name!r} (its keys: {list(result)[:8]})"
    return None, f"the value for {name!r} is {kind_of(value)}, not a tensor"


def feature_maps_of_a_square(ctx: Context) -> dict:
    """The first layer of ``NAMES`` the student captured wrong (conv1 if none), theirs beside ours."""
    case, expected = _case(), _expected()
    x, _ = case.args
    outcome = ctx.probe(
        "capture_outputs", probes.capture_probe, spec=SPEC, state=case.kwargs["state"], x=x, names=NAMES
    )
    name, got, words = NAMES[0], None, no_answer("capture_outputs", outcome)
    result = outcome.value["result"] if outcome.ok else None
    if isinstance(result, dict):
        name = next((n for n in NAMES if _wrong(result, n, expected[n])), NAMES[0])
        got, words = _entry(result, name)
    elif outcome.ok:
        words = f"capture_outputs returned {kind_of(result)}, not a dict"
    title = (
        f"capture_outputs(model, x, {NAMES})[{name!r}]: the feature maps of a square from datasets/shapes "
        "in the case-study CNN, its conv1 filters edge detectors"
    )
    return illustration(title, x.numpy(), expected[name], got, words)


ILLUSTRATIONS = {"capture_outputs": feature_maps_of_a_square}
