"""Hidden tests for ``augmentation``: the VSB random transforms, OpenCV images as model input.

* ``augmentation_transform``: the student's transform is built and applied in
  the sandbox by the trusted ``probes.augmentation_probe``, after
  ``torch.manual_seed(seed)`` for a few drawn seeds; here the reference
  pipeline of the slides runs on the same image under the same seeds. Both
  draw their random parameters from PyTorch's generator in the same order, so
  a right pipeline gives the reference's image. The pipeline works on 8-bit
  PIL images, and torchvision's v2 transforms round a little differently from
  v1 (up to two 8-bit levels, on a few pixels of about one case in a hundred),
  so the comparison allows ``STEPS_ALLOWED`` levels per value (2/255 each after
  ``Normalize``), no more.
* ``image_to_tensor``: a plain call on drawn BGR images (``check_array_call``).
* ``predict_image``: ``probes.predict_image_probe`` runs it on a small model
  with batch norm and dropout (``probes.build_model``), weights drawn here, and
  records the mode of every forward pass; the class names, eval mode, no
  gradients and the restored mode earn their shares of the points apart, as
  for ``training.predict``.

A wrong answer is compared with each known mistake's answer on the same
input; the grader names the mistake that fits every failing case it saw.
"""

from __future__ import annotations

import itertools
import re

import cv2
import numpy as np
import torch
from hypothesis import assume
from hypothesis import strategies as st
from torchvision import transforms

from grader.cache import remembered
from grader.checks import (
    TOLERANCES,
    Case,
    Failure,
    Misconception,
    Mistake,
    Property,
    as_tensor,
    compare,
    crashed,
    describe,
    inputs_unchanged,
    mistake_lines,
    outcome_value,
    returned_tensor,
)
from grader.sandbox import probes
from grader.sandbox.probes import build_model
from grader.sandbox.wire import Array, numpy_scalar, special
from grader.topics.arguments import Bad, argument_errors
from grader.topics.training import random_state
from grader.topics.training.inference import INFERENCE_PARTS, in_training_mode, require_modes
from grader.topics.training.results import observe_right, raises_naming
from grader.topics.training.scenarios import OnceProperty, model_words

POINTS = 5
BY_LOOPS: dict = {}

STEPS = [
    "ToPILImage",
    "Resize",
    "ColorJitter",
    "RandomRotation",
    "GaussianBlur",
    "RandomAdjustSharpness",
    "ToTensor",
    "Normalize",
]
ONE_STEP = 2 / 255  # one 8-bit level after Normalize((0.5,), (0.5,))
STEPS_ALLOWED = 3  # torchvision's v2 pipeline (right_v2_transforms) differs from v1 by up to 2 levels, rarely


# ------------------------------------------------------------------ images


def draw_image(seed: int, height: int, width: int, pattern: str) -> np.ndarray:
    """An (H, W, 3) uint8 image: ``noise``, ``shapes`` (filled rectangles and circles on a plain
    background, like the shipped ``shapes``), ``ramp`` (smooth colour gradients) or ``flat``."""
    rng = np.random.default_rng(seed)
    if pattern == "noise":
        return rng.integers(0, 256, (height, width, 3), dtype=np.uint8)
    if pattern == "flat":
        return np.broadcast_to(rng.integers(0, 256, 3, dtype=np.uint8), (height, width, 3)).copy()
    if pattern == "ramp":
        y = np.linspace(0, 1, height)[:, None, None]
        x = np.linspace(0, 1, width)[None, :, None]
        a, b, c = (rng.uniform(0, 255, 3) for _ in range(3))
        return np.clip(a + (b - a) * y + (c - a) * x * 0.5, 0, 255).astype(np.uint8)
    image = np.empty((height, width, 3), dtype=np.uint8)
    image[:] = rng.integers(0, 256, 3, dtype=np.uint8)
    for _ in range(int(rng.integers(1, 4))):
        colour = tuple(int(v) for v in rng.integers(0, 256, 3))
        x0, x1 = sorted(int(v) for v in rng.integers(0, width, 2))
        y0, y1 = sorted(int(v) for v in rng.integers(0, height, 2))
        if rng.random() < 0.5:
            cv2.rectangle(image, (x0, y0), (x1, y1), colour, thickness=-1)
        else:
            cv2.circle(
                image,
                ((x0 + x1) // 2, (y0 + y1) // 2),
                max(1, (x1 - x0) // 2),
                colour,
                thickness=-1,
                lineType=cv2.LINE_AA,
            )
    return image


@st.composite
def images(draw, low: int = 1, high: int = 48, square: bool = False):
    """(image, pattern): a drawn uint8 (H, W, 3) image, non-square about half the time (never if ``square``)."""
    height = draw(st.integers(low, high))
    width = height if square or draw(st.booleans()) else draw(st.integers(low, high))
    pattern = draw(st.sampled_from(["noise", "shapes", "ramp", "flat"]))
    return draw_image(draw(st.integers(0, 2**32 - 1)), height, width, pattern), pattern


# ------------------------------------------------------------------ augmentation_transform


PIPELINE_FEATURES = ("non-square images", "size left out (40)", "size= by name")


@st.composite
def pipeline_cases(draw, enabled: frozenset = frozenset(PIPELINE_FEATURES)):
    """An image of 1 to 48 pixels a side, ``size`` and two seeds. The core: a square image, ``size`` passed by
    position; the features: non-square images, ``size`` left out (None: the default 40), ``size=`` by name."""
    image, pattern = draw(images(square="non-square images" not in enabled))
    size = draw(st.integers(3, 48))
    if "size left out (40)" in enabled and draw(st.booleans()):
        size = None
    keyword = size is not None and "size= by name" in enabled and draw(st.booleans())
    seeds = draw(st.lists(st.integers(0, 2**31 - 1), min_size=2, max_size=2))
    return Case((image, size), {"seeds": seeds, "pattern": pattern, "keyword": keyword})


def pipeline(
    size=None,
    *,
    resize=None,
    jitter=None,
    degrees=(0, 5),
    normalize=True,
    resize_last=False,
    tensor_first=False,
    blur_first=False,
) -> transforms.Compose:
    """The slides' pipeline, or one known variant of it."""
    size = 40 if size is None else size
    resizing = transforms.Resize(resize if resize is not None else (size, size))
    rotation = transforms.RandomRotation(degrees=degrees)
    blur = transforms.GaussianBlur(kernel_size=(5, 5), sigma=(0.1, 5))
    random = [
        jitter or transforms.ColorJitter(brightness=0.5, hue=0.3),
        *((blur, rotation) if blur_first else (rotation, blur)),
        transforms.RandomAdjustSharpness(sharpness_factor=2),
    ]
    steps = [transforms.ToTensor()] if tensor_first else [transforms.ToPILImage()]
    steps += (random + [resizing]) if resize_last else ([resizing] + random)
    if not tensor_first:
        steps.append(transforms.ToTensor())
    if normalize:
        steps.append(transforms.Normalize((0.5,), (0.5,)))
    return transforms.Compose(steps)


def seeded(transform, image: np.ndarray, seed: int) -> torch.Tensor:
    """``transform(image)`` right after ``torch.manual_seed(seed)``; the grader's own random state is kept."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return transform(image.copy())


@remembered
def reference_image(image: np.ndarray, size, seed: int) -> torch.Tensor:
    """The reference pipeline's output for ``image`` under ``seed``."""
    return seeded(pipeline(size), image, seed)


def _variant(**options):
    """The output of a variant pipeline on a one-seed case ``Case((image, size), {"seed": s})``."""
    return lambda c: seeded(pipeline(c.args[1], **options), c.args[0], c.kwargs["seed"])


PIPELINE_MISTAKES = [
    Misconception(
        "augmentation.normalize_0_5_0_5",
        "Normalize((0.5,), (0.5,)) is missing: the values stay in [0, 1]; the last step maps them to "
        "[-1, 1] with (x - 0.5) / 0.5",
        _variant(normalize=False),
    ),
    Misconception(
        "augmentation.resize_size_scales_only_shorter",
        "Resize(size) scales only the shorter side to `size` and keeps the aspect ratio; "
        "Resize((size, size)) makes every image a size x size square",
        lambda c: seeded(
            pipeline(c.args[1], resize=40 if c.args[1] is None else c.args[1]), c.args[0], c.kwargs["seed"]
        ),
    ),
    Misconception(
        "augmentation.randomrotation_5_degrees_5_5",
        "RandomRotation(5) (or degrees=(-5, 5)) turns either way; the slides' RandomRotation("
        "degrees=(0, 5)) turns by 0 to 5 degrees counter-clockwise only",
        _variant(degrees=(-5, 5)),
    ),
    Misconception(
        "augmentation.colorjitter_0_5_0_3",
        "ColorJitter(0.5, 0.3) sets brightness and *contrast* (the positional order is brightness, "
        "contrast, saturation, hue); write ColorJitter(brightness=0.5, hue=0.3)",
        _variant(jitter=transforms.ColorJitter(0.5, 0.3)),
    ),
    Misconception(
        "augmentation.resize_comes_after_random_steps",
        "Resize comes after the random steps, so they work on the full-size image (and the 5x5 blur "
        "fails on images smaller than 3 pixels); resize first, right after ToPILImage",
        _variant(resize_last=True),
    ),
    Misconception(
        "augmentation.pipeline_starts_totensor_topilimage_so",
        "the pipeline starts with ToTensor instead of ToPILImage, so every step works on a float "
        "tensor instead of an 8-bit PIL image; start with ToPILImage() and convert with ToTensor() "
        "near the end",
        _variant(tensor_first=True),
    ),
    Misconception(
        "augmentation.gaussianblur_comes_before_randomrotation_random",
        "GaussianBlur comes before RandomRotation: the random steps draw their parameters in the "
        "order they run, so the order matters (ColorJitter, RandomRotation, GaussianBlur, "
        "RandomAdjustSharpness)",
        _variant(blur_first=True),
    ),
    Misconception(
        "augmentation.red_blue_channels_swapped_pipeline",
        "the red and blue channels are swapped: this pipeline receives RGB images (converting BGR is "
        "image_to_tensor's job)",
        lambda c: seeded(pipeline(c.args[1]), np.ascontiguousarray(c.args[0][:, :, ::-1]), c.kwargs["seed"]),
    ),
]


def _written(written, name: str) -> str | None:
    """The repr of the student's first step of class ``name`` (None: there is none)."""
    return next((w for w in written if w.startswith(name + "(")), None)


def _order(written, first: str, second: str) -> bool:
    """Does the step ``first`` come before ``second`` in the student's steps?"""
    names = [w.split("(", 1)[0] for w in written]
    return first in names and second in names and names.index(first) < names.index(second)


# What the student's steps (their reprs) must show for a mistake to be theirs; one that is not shown is not named.
WRITTEN = {
    "augmentation.normalize_0_5_0_5": lambda w: _written(w, "Normalize") is None,
    "augmentation.resize_size_scales_only_shorter": lambda w: bool(re.search(r"size=\d", _written(w, "Resize") or "")),
    "augmentation.randomrotation_5_degrees_5_5": lambda w: "-5" in (_written(w, "RandomRotation") or ""),
    "augmentation.colorjitter_0_5_0_3": lambda w: bool(
        re.search(r"contrast=[\(\[]0\.7, 1\.3", _written(w, "ColorJitter") or "")
    ),
    "augmentation.resize_comes_after_random_steps": lambda w: _order(w, "ColorJitter", "Resize"),
    "augmentation.pipeline_starts_totensor_topilimage_so": lambda w: bool(w) and not w[0].startswith("ToPILImage"),
    "augmentation.gaussianblur_comes_before_randomrotation_random": lambda w: _order(
        w, "GaussianBlur", "RandomRotation"
    ),
}


def rule_out_unwritten(ctx, written):
    """Mistakes the student's steps do not show are ruled out (a hint is checked against the code first)."""
    if not isinstance(written, list):
        return
    for mistake in PIPELINE_MISTAKES:
        shown = WRITTEN.get(mistake.id)
        if shown is not None and not shown(written):
            ctx.evidence._rule_out(mistake)  # a wish for grader.checks.Evidence: a public rule_out


def steps_hint(names) -> str:
    """Words on the student's list of steps when it is not the slides' list (names only)."""
    if not isinstance(names, list) or names == STEPS:
        return ""
    yours = ", ".join(str(n) for n in names)
    missing = [n for n in STEPS if n not in names]
    extra = [n for n in names if n not in STEPS]
    if missing or extra:
        parts = ([f"missing {', '.join(missing)}"] if missing else []) + (
            [f"not in the slides: {', '.join(str(n) for n in extra)}"] if extra else []
        )
        return f"\n    Your steps: {yours} ({'; '.join(parts)})"
    return f"\n    Your steps are in another order: {yours}; expected {', '.join(STEPS)}"


def describe_pipeline_case(case: Case, seed: int) -> str:
    image, size = case.args
    call = (
        "augmentation_transform()"
        if size is None
        else f"augmentation_transform(size={size})"
        if case.kwargs.get("keyword")
        else f"augmentation_transform({size})"
    )
    return (
        f"\n    Input: transform = {call}; torch.manual_seed({seed}); transform(image), image = an RGB "
        f"{describe(image)} ({case.kwargs['pattern']} pattern)"
    )


def verify_pipeline(ctx, case: Case):
    """Under each seed, the student's transform gives the reference pipeline's image (to a few 8-bit steps)."""
    image, size = case.args
    seeds = case.kwargs["seeds"]
    keyword = case.kwargs["keyword"]
    outcome = ctx.probe("augmentation_transform", probes.augmentation_probe, image, size, seeds, keyword)
    if outcome.status == "raised" and (outcome.error or {}).get("type") == "ProbeFinding":
        named = (STEPS_NOT_COMPOSED,) if outcome.error["message"].endswith("cannot be applied to an image") else ()
        raise Failure(
            outcome.error["message"] + mistake_lines(named) + describe_pipeline_case(case, seeds[0]), mistakes=named
        )
    if crashed(outcome):  # building the transform or applying it under the first seed raised
        ctx.evidence.observe_crash(PIPELINE_MISTAKES, Case(case.args, {"seed": seeds[0]}))
        steps = ctx.probe("augmentation_transform", probes.augmentation_steps_probe, size, keyword)
        if steps.ok:
            rule_out_unwritten(ctx, steps.value["written"])
        try:
            outcome_value(outcome, "augmentation_transform")
        except Failure as failure:
            hint = steps_hint(steps.value["steps"]) if steps.ok else ""
            raise Failure(f"{failure}{hint}{describe_pipeline_case(case, seeds[0])}", failure.fatal) from None
    got = outcome_value(outcome, "augmentation_transform")
    if got["compose"] is not True:
        raise Failure(
            f"augmentation_transform returned a {got['type']}; return the steps wrapped in "
            f"transforms.Compose([...]){describe_pipeline_case(case, seeds[0])}"
        )
    for seed, output in zip(seeds, got["outputs"]):
        words = describe_pipeline_case(case, seed)
        expected = reference_image(image, size, seed)
        scale = torch.full_like(expected, 1.01 * STEPS_ALLOWED * ONE_STEP / TOLERANCES[torch.float32][1])
        try:
            result = as_tensor(output, "augmentation_transform", "the transformed image")
        except Failure as failure:
            raise Failure(f"{failure} (end the pipeline with ToTensor() and Normalize()){words}") from None
        try:
            compare(result, expected, scale=scale, function="augmentation_transform", what="the transformed image")
        except Failure as failure:
            same_shape = result.shape == expected.shape
            ctx.evidence.observe(
                PIPELINE_MISTAKES, Case(case.args, {"seed": seed}), result, expected, scale if same_shape else None
            )
            rule_out_unwritten(ctx, got["written"])
            raise Failure(f"{failure}{steps_hint(got['steps'])}{words}") from None


BAD_SIZES = [  # by position: size= by name is the pipeline test's feature
    Bad(lambda s=s: Case((s,)), f"for size {s} (size must be at least 1)", "size < 1", ("size",)) for s in (0, -40, -1)
]


# ------------------------------------------------------------------ image_to_tensor


@st.composite
def bgr_cases(draw):
    """A BGR image of 1 to 12 pixels a side."""
    image, _ = draw(images(1, 12))
    return Case((image,))


def _to_tensor(image_rgb: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(np.ascontiguousarray(image_rgb)).permute(2, 0, 1).float().div(255)


@remembered
def reference_tensor(image_bgr: np.ndarray) -> torch.Tensor:
    """The image_folder_loader preparation of ``image_bgr`` after BGR -> RGB, with a batch dimension."""
    rgb = cv2.cvtColor(image_bgr, cv2.COLOR_BGR2RGB)
    normalize = transforms.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5))
    return normalize(transforms.ToTensor()(rgb)).unsqueeze(0)


def _swapped(c):
    return np.ascontiguousarray(c.args[0][:, :, ::-1])


STEPS_NOT_COMPOSED = Mistake(
    "augmentation.steps_not_composed",
    "the steps are returned as they are; wrap them in "
    "transforms.Compose([...]), which applies them one after the other",
)
FLOAT64_INPUT = Mistake(
    "augmentation.divided_to_float64",
    "dividing a NumPy array by 255.0 gives float64; the model's weights are float32 (ToTensor gives float32)",
)
NO_BATCH = Mistake(
    "augmentation.batch_dimension_missing_model_takes",
    "the batch dimension is missing: a model takes batches, return x.unsqueeze(0) of shape (1, 3, H, W)",
)
RETURNS_INDEX = Mistake(
    "augmentation.returns_class_index",
    "it returns the index of the largest logit (what the "
    "slides print as `predicted`); return the class's name, classes[index]",
)

TENSOR_MISTAKES = [
    Misconception(
        "augmentation.image_used_opencvs_bgr_order",
        "the image is used in OpenCV's BGR order: the training images came through ImageFolder in "
        "RGB, so convert first (cv2.cvtColor(image, cv2.COLOR_BGR2RGB)); a red pixel must end up "
        "in channel 0",
        lambda c: reference_tensor(_swapped(c)),
    ),
    Misconception(
        "augmentation.normalize_missing_values_0_1",
        "Normalize is missing: the values are in [0, 1]; the training images were normalised with "
        "mean 0.5 and std 0.5 per channel, to [-1, 1]",
        lambda c: (reference_tensor(c.args[0]) + 1) / 2,
    ),
    Misconception(
        "augmentation.normalize_missing_channels_bgr_order",
        "Normalize is missing and the channels are in BGR order: convert to RGB and map [0, 1] to [-1, 1]",
        lambda c: (reference_tensor(_swapped(c)) + 1) / 2,
    ),
    Misconception(
        "augmentation.pixels_divided_255_totensor_does",
        "the pixels are not divided by 255 (ToTensor does that): normalise values in [0, 1], not [0, 255]",
        lambda c: _to_tensor(_swapped(c)).mul(255).round().sub(0.5).div(0.5).unsqueeze(0),
    ),
    Misconception(
        "augmentation.channels_stay_last_1_h",
        "the channels stay last, (1, H, W, 3): ToTensor (or permute(2, 0, 1)) puts them first",
        lambda c: reference_tensor(c.args[0]).permute(0, 2, 3, 1),
    ),
    Misconception(
        "augmentation.channels_moved_reshape_view_which",
        "the channels are moved with reshape/view, which only relabels the memory and mixes the "
        "pixels up; use permute(2, 0, 1), or ToTensor",
        lambda c: (
            torch.from_numpy(_swapped(c).copy()).float().div(255).sub(0.5).div(0.5).reshape(1, 3, *c.args[0].shape[:2])
        ),
    ),
]


TENSOR_PARTS = ("values", "batch dimension", "float32", "image unchanged")
# The values (RGB order, scaling, normalisation, channels first) are the function; the batch dimension, the dtype
# and leaving the image alone are slips around them.
TENSOR_WEIGHTS = {"values": 4.0, "batch dimension": 2.0, "float32": 1.0, "image unchanged": 1.0}


def verify_image_to_tensor(ctx, case: Case):
    """image_to_tensor gives the RGB, normalised, batched float32 tensor (the image left unchanged)."""
    expected = reference_tensor(case.args[0])
    words = f"\n    Input: {case.describe(('image_bgr',))}"
    outcome, got = returned_tensor(
        ctx, "image_to_tensor", case, misconceptions=TENSOR_MISTAKES, arg_names=("image_bgr",)
    )
    try:
        inputs_unchanged(outcome, case, "image_to_tensor")
    except Failure as failure:
        ctx.require("image unchanged", False, f"{failure}{words}")
    if tuple(got.shape) == tuple(expected.shape[1:]):  # judged as the batch it should be
        ctx.require(
            "batch dimension",
            False,
            f"the result of `image_to_tensor` has shape {tuple(got.shape)}; expected {tuple(expected.shape)}"
            f"\n    {NO_BATCH}{words}",
            mistakes=(NO_BATCH,),
        )
        got = got.unsqueeze(0)
    if got.dtype != torch.float32:
        named = (FLOAT64_INPUT,) if got.dtype == torch.float64 else ()
        ctx.require(
            "float32",
            False,
            f"the result of `image_to_tensor` has dtype {str(got.dtype).replace('torch.', '')}; expected float32, "
            f"the dtype of the model's weights{mistake_lines(named)}{words}",
            mistakes=named,
        )
    try:
        compare(got.to(torch.float32), expected, function="image_to_tensor", exact_dtype=False)
    except Failure as failure:
        if "values" not in ctx.waived:
            ctx.evidence.observe(TENSOR_MISTAKES, case, got.to(torch.float32), expected)
        ctx.require("values", False, f"{failure}{words}")


def _u8(*shape):
    return np.arange(int(np.prod(shape)), dtype=np.int64).reshape(shape).astype(np.uint8)


def _bad(make, why: str, part: str) -> Bad:
    return Bad(make, why, part, ("image_bgr",))  # the messages name image_bgr


BAD_IMAGES = [
    _bad(lambda: Case((_u8(2, 3),)), "for a grayscale (2, 3) image, as cv2.imread(path, 0) gives", "grayscale"),
    _bad(lambda: Case((_u8(1, 2, 4),)), "for a (1, 2, 4) BGRA image", "not 3 channels"),
    _bad(lambda: Case((_u8(2, 3, 1),)), "for a (2, 3, 1) one-channel image", "not 3 channels"),
    _bad(
        lambda: Case((_u8(1, 2, 3).astype(np.float32),)),
        "for a float32 (1, 2, 3) image (it must be uint8)",
        "not uint8",
    ),
    _bad(lambda: Case((_u8(1, 2, 3).astype(np.int64),)), "for an int64 (1, 2, 3) image (not uint8)", "not uint8"),
    _bad(lambda: Case((_u8(3, 1, 2),)), "for a channels-first (3, 1, 2) array", "channels first"),
    _bad(
        lambda: Case((torch.from_numpy(_u8(1, 2, 3)),)),
        "for a uint8 torch.Tensor of shape (1, 2, 3) (it must be a NumPy array, as cv2.imread returns)",
        "a torch.Tensor",
    ),
]


# ------------------------------------------------------------------ predict_image

NAMES = ["circle", "square", "triangle", "star", "cat", "dog"]


@st.composite
def predict_cases(draw):
    """One model and one to three images: a misconception must explain the answers for all of them."""
    classes = draw(st.lists(st.sampled_from(NAMES), min_size=2, max_size=4, unique=True))
    spec = {"kind": "rgb_cnn", "channels": draw(st.integers(1, 3)), "classes": len(classes)}
    if draw(st.integers(0, 3)) == 0:
        spec["wrap"] = True  # any nn.Module: a custom one, neither a Sequential nor indexable
    drawn = draw(st.lists(images(2, 12), min_size=1, max_size=3))
    seed = draw(st.integers(0, 2**31 - 1))
    return Case(
        ([image for image, _ in drawn], classes),
        {
            "spec": spec,
            "state": random_state(spec, seed),
            "training": draw(st.booleans()),
            "patterns": [pattern for _, pattern in drawn],
        },
    )


@remembered
def logits_for(case: Case, tensor: torch.Tensor) -> torch.Tensor:
    model = build_model(case.kwargs["spec"])
    model.load_state_dict(case.kwargs["state"])
    model.eval()
    with torch.no_grad():
        return model(tensor)[0]


def _indices(case: Case, prepare) -> torch.Tensor:
    """The class index the model gives each image of the case, prepared by ``prepare(image_bgr)``."""
    return torch.tensor([int(logits_for(case, prepare(image)).argmax()) for image in case.args[0]])


@remembered
def reference_indices(case: Case) -> torch.Tensor:
    return _indices(case, reference_tensor)


# Mistakes are compared on the indices of the returned names (one per image of the case).
PREDICT_MISTAKES = [
    Misconception(
        "augmentation.image_reaches_model_opencvs_bgr",
        "the image reaches the model in OpenCV's BGR order: convert it to RGB first (use "
        "image_to_tensor), as ImageFolder gave the training images",
        lambda c: _indices(c, lambda image: reference_tensor(np.ascontiguousarray(image[:, :, ::-1]))),
    ),
    Misconception(
        "augmentation.normalize_missing_image_reaches_model",
        "Normalize is missing: the image reaches the model in [0, 1]; prepare it with image_to_tensor "
        "(ToTensor, then Normalize with mean and std 0.5), as the training images were",
        lambda c: _indices(c, lambda image: (reference_tensor(image) + 1) / 2),
    ),
]


@remembered
def _near_tie(case: Case) -> bool:
    for image in case.args[0]:
        top2 = logits_for(case, reference_tensor(image)).topk(2).values
        if top2[0] - top2[1] <= 1e-4 * (1 + top2[0].abs()):
            return True
    return False


def describe_predict_case(case: Case, index: int | None = None) -> str:
    images_bgr, classes = case.args
    kw = case.kwargs
    shown = [
        f"({image.shape[0]}, {image.shape[1]}, 3) uint8 array ({pattern} pattern)"
        for image, pattern in zip(images_bgr, kw["patterns"])
    ]
    if index is not None:
        calls = f"image_bgr = {shown[index]}"
        if len(shown) > 1:
            calls += f" (call {index + 1} of {len(shown)} on the same model)"
    else:
        calls = "image_bgr = " + "; then ".join(shown)
    return (
        f"\n    Input: model = {model_words(kw['spec'])} in {'training' if kw['training'] else 'eval'} "
        f"mode, {calls}, classes = {classes}"
    )


def _index_of(value):
    """The class index a student returned instead of a name, or None."""
    if isinstance(value, Array) and value.data.size == 1 and not np.issubdtype(value.data.dtype, np.floating):
        return int(value.data.reshape(-1)[0])
    value = numpy_scalar(value)
    if type(value) is int:
        return value
    return None


def _returned(value) -> str:
    if value is None:
        return "None (did you forget `return`?)"
    if isinstance(value, Array):
        return "a NumPy array" if value.kind != "tensor" else "a tensor"
    kind = special(value)
    if kind is not None:
        return f"a {kind[1][0] if kind[1] else kind[0]}"
    return f"a {type(value).__name__}"


def verify_predict_image(ctx, case: Case):
    """predict_image names the argmax class of each image, in eval mode without gradients, the mode restored."""
    assume(not _near_tie(case))
    case, got = _predict_image_probe(ctx, case)
    images_bgr, classes = case.args
    require_modes(ctx, "predict_image", got, case, describe_predict_case(case))
    if in_training_mode(got):  # dropout decides the class: the eval mode's part, above
        return
    changed = [i for i, same in enumerate(got["images_unchanged"]) if not same]
    ctx.require(
        "image unchanged",
        not changed,
        "`predict_image` modified the image it was given (in place); leave the caller's array alone: "
        "cv2.cvtColor and image_to_tensor make new arrays"
        + (describe_predict_case(case, changed[0]) if changed else ""),
    )
    expected = reference_indices(case)
    problem, words, named = "", describe_predict_case(case), ()
    for i, result in enumerate(got["results"]):
        want = classes[int(expected[i])]
        words = describe_predict_case(case, i)
        if not isinstance(result, str):
            index = _index_of(result)
            named = (RETURNS_INDEX,) if index is not None else ()
            problem = (
                f"`predict_image` returned the class index {index}; expected the class name {want!r}\n"
                f"    {RETURNS_INDEX}"
                if index is not None
                else f"`predict_image` returned {_returned(result)}; expected the class name {want!r}"
            )
            break
        if result != want:
            problem = f"`predict_image` returned {result!r}; expected {want!r}"
            if result in classes and all(r in classes for r in got["results"]) and "class name" not in ctx.waived:
                returned = torch.tensor([classes.index(r) for r in got["results"]])
                ctx.evidence.observe(PREDICT_MISTAKES, case, returned, expected)
                _second_opinion(ctx, case)
            break
    if not problem:  # right here: a mistake that names another class here is not the student's
        observe_right(ctx.evidence, PREDICT_MISTAKES, case, expected, f"{__name__}.PREDICT_MISTAKES")
    ctx.require("class name", not problem, problem + words, mistakes=named)


def _second_opinion(ctx, case: Case):
    """Evidence from the same model on the images with their channels reversed, where the known mistakes that
    agree on the case's images (a BGR image, a missing Normalize) name other classes."""
    images_bgr, classes = case.args
    other = Case(([np.ascontiguousarray(image[:, :, ::-1]) for image in images_bgr], classes), case.kwargs)
    if _near_tie(other):
        return
    outcome = _run_predict_image(ctx, other)
    results = outcome.value.get("results") if outcome.ok and isinstance(outcome.value, dict) else None
    if not isinstance(results, list) or not all(isinstance(r, str) and r in classes for r in results):
        return
    returned, expected = torch.tensor([classes.index(r) for r in results]), reference_indices(other)
    if torch.equal(returned, expected):
        observe_right(ctx.evidence, PREDICT_MISTAKES, other, expected, f"{__name__}.PREDICT_MISTAKES")
    else:
        ctx.evidence.observe(PREDICT_MISTAKES, other, returned, expected)


ANY_MODULE = "any nn.Module"


def _predict_image_probe(ctx, case: Case) -> tuple[Case, dict]:
    """predict_image run by the probe on the case's model; a crash on a custom (wrapped) model where the same
    nn.Sequential works breaks only the part ``ANY_MODULE``. Returns (the case judged, what the probe sent)."""
    outcome = _run_predict_image(ctx, case)
    spec = case.kwargs["spec"]
    if crashed(outcome) and spec.get("wrap"):
        state = {name.removeprefix("net."): value for name, value in case.kwargs["state"].items()}
        plain = Case(case.args, dict(case.kwargs, spec={k: v for k, v in spec.items() if k != "wrap"}, state=state))
        retried = _run_predict_image(ctx, plain)
        if not crashed(retried):
            error = outcome.error or {}
            where = f"\n    at {error['where']}: {(error.get('line') or '').strip()}" if error.get("where") else ""
            raised = f"raised {error.get('type')}: {error.get('message', '')}"
            ctx.require(
                ANY_MODULE,
                False,
                f"`predict_image` {raised} for a custom nn.Module (not an nn.Sequential, not indexable), where "
                "the same layers in an nn.Sequential work: take the number of outputs from what model(x) returns, "
                f"not from model[-1]{where}{mistake_lines((SEQUENTIAL_ONLY,))}{describe_predict_case(case)}",
                mistakes=(SEQUENTIAL_ONLY,),
            )
            case, outcome = plain, retried
    return case, outcome_value(outcome, "predict_image")


def _run_predict_image(ctx, case: Case):
    images_bgr, classes = case.args
    kw = case.kwargs
    return ctx.probe(
        "predict_image",
        probes.predict_image_probe,
        kw["spec"],
        kw["state"],
        images_bgr,
        classes,
        kw["training"],
        callees=("image_to_tensor",),
    )


SEQUENTIAL_ONLY = Mistake(
    "augmentation.sequential_only",
    "the code reaches into the model's layers (model[-1], list(model.children())[-1]), which only an "
    "nn.Sequential ending in its output layer has; any nn.Module can be the model",
)


def _classes_case(classes: list, training: bool):
    return (
        lambda: Case(([draw_image(5, 6, 8, "shapes")], classes), {"training": training}),
        f"when classes has {len(classes)} names for a model with 3 outputs (in "
        f"{'training' if training else 'eval'} mode)",
        "fewer names than outputs" if len(classes) < 3 else "more names than outputs",
    )


def _run_classes_case(ctx, case: Case):
    spec = {"kind": "rgb_cnn", "channels": 2, "classes": 3}
    images_bgr, classes = case.args
    return ctx.probe(
        "predict_image",
        probes.predict_image_probe,
        spec,
        random_state(spec, 5),
        images_bgr,
        classes,
        case.kwargs["training"],
        callees=("image_to_tensor",),
    )


BAD_CLASSES = [
    _classes_case(classes, training)
    for classes, training in itertools.product(
        (["circle", "square"], ["circle", "square", "triangle", "star"]), (False, True)
    )
]


# ------------------------------------------------------------------ checks

CHECKS = [
    Property(
        "augmentation_transform_matches_reference",
        "augmentation_transform gives the slides' pipeline's "
        "image under the same torch.manual_seed (drawn image sizes and size)",
        "augmentation_transform",
        weight=1.75,
        strategy=pipeline_cases,
        verify=verify_pipeline,
        features=PIPELINE_FEATURES,
    ),
    argument_errors(
        "augmentation_transform_errors",
        "augmentation_transform raises ValueError naming size for size < 1",
        "augmentation_transform",
        BAD_SIZES,
        ("size",),
        weight=0.25,
    ),
    Property(
        "image_to_tensor_matches_reference",
        "image_to_tensor turns a BGR uint8 image into the normalised RGB (1, 3, H, W) float32 batch",
        "image_to_tensor",
        weight=1.25,
        strategy=bgr_cases(),
        verify=verify_image_to_tensor,
        parts=TENSOR_PARTS,
        core_part="values",
        part_weights=TENSOR_WEIGHTS,
    ),
    argument_errors(
        "image_to_tensor_errors",
        "image_to_tensor raises ValueError naming image_bgr for anything but an (H, W, 3) uint8 array",
        "image_to_tensor",
        BAD_IMAGES,
        ("image_bgr",),
        weight=0.25,
    ),
    OnceProperty(
        "predict_image_matches_reference",
        "predict_image returns the class name the model predicts in eval "
        "mode without gradients, restores the mode and leaves the image alone",
        "predict_image",
        weight=1.25,
        strategy=predict_cases(),
        verify=verify_predict_image,
        parts=("class name",) + INFERENCE_PARTS + ("image unchanged", ANY_MODULE),
        core_part="class name",
        # the class is the function; eval mode its central requirement (as for training.predict)
        part_weights={"class name": 3.0, "eval mode": 2.0},
    ),
    raises_naming(
        "predict_image_errors",
        "predict_image raises ValueError naming classes when len(classes) is not the model's output width",
        "predict_image",
        BAD_CLASSES,
        "classes",
        call=_run_classes_case,
        weight=0.25,
    ),
]
