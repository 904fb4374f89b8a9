"""``correlate2d``: valid cross-correlation of one image with one kernel, against F.conv2d."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from hypothesis import strategies as st

from grader.checks import (
    Case,
    Companion,
    Failure,
    Misconception,
    NotApplicable,
    Property,
    check_array_call,
    first_difference,
    float32_result,
)
from grader.checks.strategies import DTYPES, pairs, tensors
from grader.topics.arguments import Bad, argument_errors
from grader.topics.convolution.evidence import grown_values, unlike

CORRELATE_ARGS = ("image", "kernel")

# Each requirement is credited apart; the values on square shapes are the core, without which nothing counts.
CORRELATE_PARTS = ("values", "non-square", "dtype kept", "inputs unchanged")
CORRELATE_WEIGHTS = {"values": 3.0, "non-square": 1.5, "dtype kept": 1.0, "inputs unchanged": 1.0}


@st.composite
def correlate_cases(draw):
    """(image, kernel), float32 or float64, square or not."""
    dtype = draw(DTYPES)
    kh, kw = draw(pairs(1, 4))
    h, w = draw(st.integers(kh, kh + 6)), draw(st.integers(kw, kw + 6))
    return Case((draw(tensors((h, w), dtype)), draw(tensors((kh, kw), dtype).map(unlike))))


def _correlate(image, kernel):
    return F.conv2d(image[None, None], kernel[None, None])[0, 0]


def _no_plus_one(case):
    """The output size H - kH (no +1): the last row and column are missing."""
    image, kernel = case.args
    h, w = image.shape[0] - kernel.shape[0], image.shape[1] - kernel.shape[1]
    if h < 1 or w < 1:
        raise NotApplicable("the output would be empty (or the loop crash), depending on the code")
    return _correlate(image, kernel)[:h, :w]


def _transposed(case):
    image, kernel = case.args
    if kernel.shape[0] != kernel.shape[1]:
        raise NotApplicable("a non-square kernel indexed as kernel[j, i] crashes or reads other cells")
    return _correlate(image, kernel.T)


def _swapped_output(case):
    """The loop a student writes with the output allocated as (W - kW + 1, H - kH + 1)."""
    image, kernel = case.args
    (h, w), (kh, kw) = image.shape, kernel.shape
    if h == w:
        raise NotApplicable("square image")
    out = image.new_zeros((w - kw + 1, h - kh + 1))
    for y in range(out.shape[0]):
        for x in range(out.shape[1]):
            out[y, x] = (image[y : y + kh, x : x + kw] * kernel).sum()  # raises when the window leaves the image
    return out


CORRELATE_MISTAKES = [
    Misconception(
        "convolution.flips_kernel_true_convolution_pytorchs",
        "it flips the kernel (true convolution); PyTorch's Conv2d and this exercise use "
        "cross-correlation: image[y+i, x+j] * kernel[i, j], no flip",
        lambda c: _correlate(c.args[0], c.args[1].flip(0, 1)),
    ),
    Misconception(
        "convolution.swaps_roles_rows_columns_kernel",
        "it swaps the roles of rows and columns of the kernel (kernel[j, i] where kernel[i, j] belongs)",
        _transposed,
    ),
    Misconception(
        "convolution.output_size_misses_1_kernel",
        "the output size misses the +1: a kernel of height kH fits in H - kH + 1 positions "
        "(the output is (H - kH + 1, W - kW + 1))",
        _no_plus_one,
    ),
    Misconception(
        "convolution.outputs_height_width_swapped_h",
        "the output's height and width are swapped: it is (H - kH + 1, W - kW + 1) for an (H, W) image, rows first",
        _swapped_output,
    ),
]
CORRELATE_DTYPE_MISTAKES = [float32_result(lambda c: _correlate(*c.args), "image")]


def _correlate_scale(case):
    image, kernel = case.args
    return _correlate(image.abs(), kernel.abs())


def _grown_image(case):
    """The failing case with a 2-rows-and-columns larger image (its ``Companion``)."""
    image, kernel = case.args
    return Case((grown_values((image.shape[0] + 2, image.shape[1] + 2), image.dtype), kernel))


def verify_correlate(ctx, case):
    """correlate2d equals the valid cross-correlation F.conv2d computes on one image and one kernel, keeps
    the dtype and leaves its inputs alone; each of these is its own part."""
    image, kernel = case.args
    expected, scale = _correlate(image, kernel), _correlate_scale(case)
    try:
        check_array_call(
            ctx,
            "correlate2d",
            case,
            expected,
            scale=scale,
            misconceptions=CORRELATE_MISTAKES,
            dtype_mistakes=CORRELATE_DTYPE_MISTAKES,
            companion=Companion(_grown_image, lambda c: _correlate(*c.args), _correlate_scale),
            arg_names=CORRELATE_ARGS,
        )
    except Failure as failure:
        if failure.fatal:
            raise
        ctx.require(_broken_part(failure, case, expected, scale), False, str(failure))


def _broken_part(failure: Failure, case, expected, scale) -> str:
    """The part a failing call breaks: the inputs (right values, inputs changed), the dtype (the right values
    in another dtype), the non-square shapes (a failure on them) or the values."""
    if "modified its input in place" in str(failure):
        return "inputs unchanged"
    got = (failure.counterexample or {}).get("got")
    if (
        isinstance(got, torch.Tensor)
        and got.dtype != expected.dtype
        and got.shape == expected.shape
        and first_difference(got, expected.to(got.dtype), scale)[0] is None
    ):
        return "dtype kept"
    image, kernel = case.args
    return "non-square" if image.shape[0] != image.shape[1] or kernel.shape[0] != kernel.shape[1] else "values"


BAD_CORRELATE = [
    Bad(lambda: Case((torch.ones(1, 4, 4), torch.ones(3, 3))), "for a 3-D image", "2-D image", ("image",)),
    Bad(lambda: Case((torch.ones(4, 4), torch.ones(3))), "for a 1-D kernel", "2-D kernel", ("kernel",)),
    Bad(lambda: Case((torch.ones(4, 4), torch.ones(1, 2, 2))), "for a 3-D kernel", "2-D kernel", ("kernel",)),
    Bad(
        lambda: Case((torch.ones(3, 5), torch.ones(4, 2))),
        "when the kernel is taller than the image",
        "kernel fits",
        ("kernel", "image"),
    ),
    Bad(
        lambda: Case((torch.ones(5, 3), torch.ones(2, 4))),
        "when the kernel is wider than the image",
        "kernel fits",
        ("kernel", "image"),
    ),
]


CHECKS = [
    Property(
        "correlate2d_matches_reference",
        "correlate2d matches valid cross-correlation (F.conv2d)",
        "correlate2d",
        3.0,
        strategy=correlate_cases(),
        verify=verify_correlate,
        parts=CORRELATE_PARTS,
        core_part="values",
        part_weights=CORRELATE_WEIGHTS,
    ),
    argument_errors(
        "correlate2d_errors",
        "correlate2d raises ValueError for non-2-D inputs and oversized kernels",
        "correlate2d",
        BAD_CORRELATE,
        CORRELATE_ARGS,
    ),
]
