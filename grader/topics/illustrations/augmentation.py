"""``augmentation_transform`` on the circle of ``datasets/augmentation_example.png``, drawn in colour beside the
slides' pipeline under the same seed.

The circle's 32 x 32 image is cropped to 26 x 32 (the whole circle kept) and made 20 x 20: on this input and
seed every known mistake of the pipeline (``augmentation.PIPELINE_MISTAKES``) changes the image visibly, by 16
to 164 of 255 levels, or its shape.
"""

from __future__ import annotations

import functools

import cv2
import numpy as np

from grader.checks import Context
from grader.checks.feedback import illustration
from grader.sandbox import probes
from grader.sandbox.wire import Array
from grader.topics import augmentation
from grader.topics.illustrations.common import SHAPES, kind_of, no_answer

SOURCE = SHAPES / "train" / "circle" / "circle_000.png"
CROP = slice(6, None)  # rows: the circle spans rows 8 to 30
SIZE, SEED = 20, 1
NORMALISED = [-1.0, 1.0]  # the range of the pipeline's values, after Normalize((0.5,), (0.5,))


@functools.cache
def _image() -> np.ndarray:
    """The 26 x 32 RGB uint8 circle, as ImageFolder loads it (then cropped)."""
    return np.ascontiguousarray(cv2.cvtColor(cv2.imread(str(SOURCE)), cv2.COLOR_BGR2RGB)[CROP])


@functools.cache
def _expected() -> np.ndarray:
    return augmentation.reference_image(_image(), SIZE, SEED).numpy()


def augmented_circle(ctx: Context) -> dict:
    image = _image()
    outcome = ctx.probe("augmentation_transform", probes.augmentation_probe, image, SIZE, [SEED])
    got, words = None, no_answer("augmentation_transform", outcome)
    if outcome.ok:
        output = outcome.value["outputs"][0]
        if isinstance(output, Array):
            got = output.data
        else:
            words = f"the transform returned {kind_of(output)}, not a tensor"
    title = (
        f"augmentation_transform({SIZE}) after torch.manual_seed({SEED}) on a circle from datasets/shapes "
        f"(cropped to {image.shape[0]}x{image.shape[1]})"
    )
    return {**illustration(title, image, _expected(), got, words), "rgb": NORMALISED}


ILLUSTRATIONS = {"augmentation_transform": augmented_circle}
