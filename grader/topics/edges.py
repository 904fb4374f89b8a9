"""Hidden tests for ``edges``: the Sobel kernels, filter2d against cv2.filter2D, gradient magnitudes."""

from __future__ import annotations

import cv2
import numpy as np
import torch
from hypothesis import strategies as st

from grader.checks import (
    Case,
    Failure,
    Misconception,
    Mistake,
    NotApplicable,
    Property,
    Scripted,
    applicable,
    as_ndarray,
    compare,
    crashed,
    first_difference,
    inputs_unchanged,
    mistake_lines,
    outcome_value,
    predicts_otherwise,
    raises_value_error,
)
from grader.checks.forbidden import Rule
from grader.checks.strategies import arrays
from grader.topics.convolution.evidence import Signature, grown_values

POINTS = 10

FILTER_RULES = [
    Rule(
        "an OpenCV filter (cv2.filter2D, cv2.Sobel, cv2.sepFilter2D, ...)",
        runtime=r"^cv2:",
        static=r"\.(filter2D|sepFilter2D|Sobel|Scharr|Laplacian|boxFilter|blur|GaussianBlur)$",
    ),
    Rule("scipy.signal / scipy.ndimage", runtime=r"^scipy\.", static=r"^scipy\.(signal|ndimage)"),
    Rule(
        "np.convolve / np.correlate",
        runtime=r"^numpy:(convolve|correlate)$",
        static=r"^(np|numpy)\.(convolve|correlate)$",
    ),
    Rule(
        "a torch convolution (F.conv2d, torch.conv2d, nn.Conv2d or an aten convolution op)",
        runtime=r"^(fn:(conv\d?d|convolution|_convolution|conv_transpose\dd|conv_tbc)|aten:(_?convolution|conv"
        r"|cudnn_conv|mkldnn_conv|_slow_conv|slow_conv|thnn_conv|_nnpack|miopen_conv|deform_conv))",
        static=r"\.(conv[123]d|convolution|_convolution|Conv[123]d|conv_transpose[123]d|conv_tbc)$",
    ),
]
BY_LOOPS = {"filter2d": FILTER_RULES}

FILTER_ARGS = ("image", "kernel")
MAGNITUDE_ARGS = ("image", "mode")
SIGNATURE = Signature("gradient_magnitude", MAGNITUDE_ARGS, {"mode": "l2"}, leading=1)

SOBEL_X = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=np.float32)
SOBEL_Y = SOBEL_X.T.copy()


# ------------------------------------------------------------------ strategies

IMAGE_RANGES = {  # any real dtype: the contract converts to float32 first
    np.uint8: (0, 255),
    np.int16: (-300, 300),
    np.int32: (-1000, 1000),
    np.int64: (-1000, 1000),  # np.array([[1, 2], [3, 4]]) is int64
    np.float32: (-100.0, 100.0),
    np.float64: (-100.0, 100.0),
}
KERNEL_RANGES = {np.float32: (-4.0, 4.0), np.float64: (-4.0, 4.0), np.int64: (-3, 3)}
ODD_SIDES = [1, 3, 5, 7]  # up to 7x7 = 49 taps: OpenCV filters directly (no DFT) below 50


FILTER_FEATURES = ("image dtypes", "kernel dtypes", "non-square kernel", "kernel sizes 1/5/7")
MAGNITUDE_FEATURES = ('"l1" mode', "image dtypes", "positional arguments")


def images(shape, any_dtype: bool = True):
    dtypes = list(IMAGE_RANGES) if any_dtype else [np.float32]
    return st.sampled_from(dtypes).flatmap(lambda dtype: arrays(dtype, shape, *IMAGE_RANGES[dtype]))


def kernels(shape, any_dtype: bool = True):
    dtypes = list(KERNEL_RANGES) if any_dtype else [np.float32]
    return st.sampled_from(dtypes).flatmap(lambda dtype: arrays(dtype, shape, *KERNEL_RANGES[dtype]))


@st.composite
def filter_cases(draw, enabled: frozenset):
    """(image, kernel) drawing only the ``enabled`` features; the core is a float32 image with a float32
    3x3 kernel, the image at least ``k // 2 + 1`` pixels on each side (the mirrored border is one
    reflection deep)."""
    on = enabled.__contains__
    sides = ODD_SIDES if on("kernel sizes 1/5/7") else [3]
    kh = kw = draw(st.sampled_from(sides))
    if on("non-square kernel"):
        other = draw(st.sampled_from(sorted(set(sides) | {1, 5})))
        kh, kw = (kh, other) if draw(st.booleans()) else (other, kh)
    h, w = draw(st.integers(kh // 2 + 1, kh // 2 + 8)), draw(st.integers(kw // 2 + 1, kw // 2 + 8))
    return Case((draw(images((h, w), on("image dtypes"))), draw(kernels((kh, kw), on("kernel dtypes")))))


@st.composite
def small_image_cases(draw):
    """(image, kernel) with an image at most ``k // 2`` pixels tall or wide for a kernel side ``k``
    (1xN, Nx1, smaller than the kernel), so the mirrored border wraps around more than once.
    OpenCV's BORDER_REFLECT_101 then keeps reflecting with period 2 * (size - 1) (one-pixel
    sides repeat their pixel); the reference solution's index folding does the same.
    """
    kh, kw = draw(st.sampled_from(ODD_SIDES)), draw(st.sampled_from(ODD_SIDES))
    if max(kh, kw) == 1:
        kh = 3
    tight = draw(st.sampled_from([(True, False), (False, True), (True, True)]))
    tight = tuple(t and k >= 3 for t, k in zip(tight, (kh, kw)))
    if not any(tight):
        tight = (kh >= 3, kw >= 3 and kh < 3)
    h = draw(st.integers(1, kh // 2)) if tight[0] else draw(st.integers(1, kh // 2 + 6))
    w = draw(st.integers(1, kw // 2)) if tight[1] else draw(st.integers(1, kw // 2 + 6))
    return Case((draw(images((h, w))), draw(kernels((kh, kw)))))


@st.composite
def magnitude_cases(draw, enabled: frozenset):
    """gradient_magnitude arguments drawing only the ``enabled`` features; the core is a float32 image
    and the "l2" mode (left out or given by keyword; "positional arguments" gives it by position).
    At least 3 x 3: in a thinner image Gx or Gy is 0 everywhere (the mirrored border repeats the same
    pixel on both sides), which hides which one is missing."""
    h, w = draw(st.integers(3, 9)), draw(st.integers(3, 9))
    mode = draw(st.sampled_from([None, "l2", "l1"] if '"l1" mode' in enabled else [None, "l2"]))
    image = draw(images((h, w), "image dtypes" in enabled))
    case = Case((image,), {} if mode is None else {"mode": mode})
    return SIGNATURE.positional(case) if "positional arguments" in enabled and draw(st.booleans()) else case


# ------------------------------------------------------------------ references


def _filter(image, kernel, border=cv2.BORDER_REFLECT_101):
    return cv2.filter2D(image.astype(np.float32), cv2.CV_32F, kernel, borderType=border)


def _filter_scale(image, kernel):
    return cv2.filter2D(np.abs(image.astype(np.float32)), cv2.CV_32F, np.abs(kernel.astype(np.float32)))


def _padded_correlation(image, kernel, mode, before=None):
    """Correlation after ``np.pad(image, ..., mode)``: how a loop over a padded copy computes it.

    ``before``: rows/cols of padding above/left (default: centred kernel).
    """
    image = image.astype(np.float32).astype(np.float64)
    kernel = np.asarray(kernel, dtype=np.float64)
    kh, kw = kernel.shape
    top, left = before if before is not None else (kh // 2, kw // 2)
    padded = np.pad(image, ((top, kh - 1 - top), (left, kw - 1 - left)), mode=mode)
    h, w = image.shape
    out = np.zeros((h, w))
    for i in range(kh):
        for j in range(kw):
            out += kernel[i, j] * padded[i : i + h, j : j + w]
    return torch.from_numpy(out.astype(np.float32))


def _valid(image, kernel):
    """The positions where the kernel fits entirely (none when it is larger than the image)."""
    image = image.astype(np.float32).astype(np.float64)
    kh, kw = kernel.shape
    h, w = max(image.shape[0] - kh + 1, 0), max(image.shape[1] - kw + 1, 0)
    out = np.zeros((h, w))
    for i in range(kh):
        for j in range(kw):
            out += float(kernel[i, j]) * image[i : i + h, j : j + w]
    return torch.from_numpy(out.astype(np.float32))


def _border_zeroed(image, kernel):
    out = _filter(image, kernel).copy()
    kh, kw = kernel.shape
    h, w = out.shape
    keep = np.zeros_like(out, dtype=bool)
    keep[kh // 2 : h - kh // 2, kw // 2 : w - kw // 2] = True
    out[~keep] = 0
    return torch.from_numpy(out)


def _square_window(image, kernel):
    """The loop of a filter2d that takes the kernel's height for both axes (``k = kernel.shape[0]``)."""
    kh, kw = kernel.shape
    if kh == kw:
        raise NotApplicable("a square kernel")
    image = image.astype(np.float32).astype(np.float64)
    padded = np.pad(image, kh // 2, mode="reflect")
    out = np.zeros(image.shape)
    for y in range(image.shape[0]):
        for x in range(image.shape[1]):
            out[y, x] = np.sum(padded[y : y + kh, x : x + kh] * kernel)  # raises where the shapes do not broadcast
    return torch.from_numpy(out.astype(np.float32))


FILTER_MISTAKES = [
    Misconception(
        "edges.flips_kernel_true_convolution_cv2",
        "it flips the kernel (true convolution): cv2.filter2D computes a correlation, "
        "out[y, x] = sum of kernel[i, j] * image[y + i - kh//2, x + j - kw//2], with no flip",
        lambda c: torch.from_numpy(_filter(c.args[0], np.ascontiguousarray(c.args[1][::-1, ::-1]))),
    ),
    Misconception(
        "edges.border_padded_zeros_border_constant",
        "the border is padded with zeros (BORDER_CONSTANT); OpenCV's default is BORDER_REFLECT_101: "
        "mirror the image around its edge pixel without repeating it (... c b | a b c d | c b ...)",
        lambda c: _padded_correlation(c.args[0], c.args[1], "constant"),
    ),
    Misconception(
        "edges.border_mirrors_image_including_edge",
        "the border mirrors the image including the edge pixel (BORDER_REFLECT: b a | a b c d; "
        "for a one-pixel border that is the same as BORDER_REPLICATE, a | a b c d); OpenCV's default "
        "is BORDER_REFLECT_101, which mirrors without repeating the edge pixel (c b | a b c d)",
        lambda c: _padded_correlation(c.args[0], c.args[1], "symmetric"),
    ),
    Misconception(
        "edges.border_repeats_edge_pixel_border",
        "the border repeats the edge pixel (BORDER_REPLICATE: a a | a b c d; for a one-pixel border "
        "that is the same as BORDER_REFLECT, which mirrors including the edge pixel, b a | a b c d); "
        "OpenCV's default is BORDER_REFLECT_101, which mirrors without repeating the edge pixel "
        "(c b | a b c d)",
        lambda c: _padded_correlation(c.args[0], c.args[1], "edge"),
    ),
    Misconception(
        "edges.border_wraps_around_other_side",
        "the border wraps around to the other side of the image (BORDER_WRAP); OpenCV's default "
        "is BORDER_REFLECT_101, a mirror image (c b | a b c d)",
        lambda c: _padded_correlation(c.args[0], c.args[1], "wrap"),
    ),
    Misconception(
        "edges.rows_columns_kernel_swapped_kernel",
        "the rows and columns of the kernel are swapped: kernel[i, j] multiplies the pixel i rows "
        "down and j columns right of the window's top-left corner",
        lambda c: _padded_correlation(c.args[0], c.args[1].T, "reflect"),
    ),
    Misconception(
        "edges.kernel_centred_pixel_out_y",
        "the kernel is not centred on the pixel: out[y, x] uses image[y + i - kh//2, x + j - kw//2], "
        "with the kernel's middle cell over (y, x)",
        lambda c: _padded_correlation(c.args[0], c.args[1], "reflect", before=(0, 0)),
    ),
    Misconception(
        "edges.border_pixels_left_zero_filter2d",
        "the border pixels are left at zero: filter2D computes every pixel, taking the pixels "
        "outside the image from its mirror image (BORDER_REFLECT_101)",
        lambda c: _border_zeroed(c.args[0], c.args[1]),
    ),
    Misconception(
        "edges.kernel_taken_square_height_kh",
        "the kernel is taken to be square (its height kh = kernel.shape[0] used for both axes): a kh x kw "
        "kernel needs kh // 2 mirrored rows and kw // 2 mirrored columns, and a kh x kw window",
        lambda c: _square_window(c.args[0], c.args[1]),
    ),
    Misconception(
        "edges.returns_only_positions_where_kernel",
        "it returns only the positions where the kernel fits entirely (a 'valid' correlation); "
        "filter2D keeps the input's size by mirroring the border (BORDER_REFLECT_101)",
        lambda c: _valid(c.args[0], c.args[1]),
    ),
]


def _magnitude(image, mode="l2", border=cv2.BORDER_REFLECT_101, gx=SOBEL_X, gy=SOBEL_Y, combine=None):
    x, y = _filter(image, gx, border), _filter(image, gy, border)
    if combine is not None:
        return torch.from_numpy(np.asarray(combine(x, y), dtype=np.float32))
    if mode == "l2":
        return torch.from_numpy(np.sqrt(x * x + y * y).astype(np.float32))
    return torch.from_numpy((np.abs(x) + np.abs(y)).astype(np.float32))


def _mode(case):
    return SIGNATURE.spelled_out(case).kwargs["mode"]


MAGNITUDE_MISTAKES = [
    Misconception(
        "edges.l1_l2_swapped_l2_sqrt",
        '"l1" and "l2" are swapped: "l2" is sqrt(Gx**2 + Gy**2), "l1" is |Gx| + |Gy|',
        lambda c: _magnitude(c.args[0], "l1" if _mode(c) == "l2" else "l2"),
    ),
    Misconception(
        "edges.square_root_missing_l2_magnitude",
        'the square root is missing: the "l2" magnitude is sqrt(Gx**2 + Gy**2)',
        lambda c: (
            _magnitude(c.args[0], combine=lambda x, y: x * x + y * y)
            if _mode(c) == "l2"
            else _magnitude(c.args[0], "l1")
        ),
    ),
    Misconception(
        "edges.absolute_values_missing_l1_magnitude",
        'the absolute values are missing: the "l1" magnitude is |Gx| + |Gy|',
        lambda c: (
            _magnitude(c.args[0], combine=lambda x, y: x + y) if _mode(c) == "l1" else _magnitude(c.args[0], "l2")
        ),
    ),
    Misconception(
        "edges.only_gx_used_combine_both",
        "only Gx is used: combine both Sobel responses, Gx (with gx) and Gy (with gy = gx.T)",
        lambda c: _magnitude(c.args[0], combine=lambda x, y: np.abs(x)),
    ),
    Misconception(
        "edges.only_gy_used_combine_both",
        "only Gy is used: combine both Sobel responses, Gx (with gx) and Gy (with gy = gx.T)",
        lambda c: _magnitude(c.args[0], combine=lambda x, y: np.abs(y)),
    ),
    Misconception(
        "edges.gy_computed_gx_second_sobel",
        "Gy is computed with gx: the second Sobel kernel is gy = gx.T",
        lambda c: _magnitude(c.args[0], _mode(c), gy=SOBEL_X),
    ),
    Misconception(
        "edges.magnitude_border_constant",
        "the border is padded with zeros (BORDER_CONSTANT); the Sobel responses must be computed as "
        "filter2d does, with BORDER_REFLECT_101",
        lambda c: _magnitude(c.args[0], _mode(c), border=cv2.BORDER_CONSTANT),
    ),
    Misconception(
        "edges.magnitude_border_replicate",
        "the border repeats the edge pixel (BORDER_REPLICATE, or BORDER_REFLECT, which mirrors "
        "including the edge pixel: for a 3x3 kernel they agree); the Sobel responses must be computed "
        "as filter2d does, with BORDER_REFLECT_101",
        lambda c: _magnitude(c.args[0], _mode(c), border=cv2.BORDER_REPLICATE),
    ),
]


# ------------------------------------------------------------------ verdicts


def _dtype_mistakes(got: np.ndarray, image: np.ndarray) -> tuple[Mistake, ...]:
    """The mistake a result of the wrong dtype points to (values alone cannot tell it)."""
    if got.dtype == image.dtype and image.dtype.kind in "iu":
        return (
            Mistake(
                "edges.output_like_image",
                "the output array takes the image's dtype (np.zeros_like(image), "
                "np.empty_like(image) or image.copy()), so every value is cut to an integer; create it with "
                "np.zeros(image.shape, dtype=np.float32)",
            ),
        )
    if got.dtype == np.uint8:
        return (
            Mistake(
                "edges.converted_to_uint8",
                "the result is converted to uint8 (cv2.convertScaleAbs or "
                ".astype(np.uint8), as for display), which cuts and saturates the values; return the "
                "float32 values",
            ),
        )
    if got.dtype == np.float64:
        return (
            Mistake(
                "edges.float64_result",
                "the result is float64 (NumPy's default for np.zeros((h, w)), and "
                "what float64 images or kernels give); return out.astype(np.float32)",
            ),
        )
    return ()


def check_image_call(
    ctx,
    function: str,
    case: Case,
    expected: np.ndarray,
    scale: np.ndarray,
    misconceptions=(),
    arg_names=(),
    companion=None,
) -> np.ndarray:
    """Call ``function`` and demand a float32 NumPy array equal to ``expected``.

    ``companion``: (case, expected, scale) of a larger relative, whose answer (right or wrong) tells apart
    mistakes that a failing thin image cannot (see ``grader.checks.Companion``).
    """
    outcome = ctx.call(function, case, return_inputs=True)
    try:
        if crashed(outcome):
            ctx.evidence.observe_crash(misconceptions, case)
        got = as_ndarray(outcome_value(outcome, function), function)
        if got.dtype != np.float32:
            named = _dtype_mistakes(got, case.args[0])
            raise Failure(
                f"the result of `{function}` has dtype {got.dtype}; expected float32 "
                "(as cv2.filter2D gives with ddepth=cv2.CV_32F): convert with .astype(np.float32)"
                + mistake_lines(named),
                mistakes=named,
            )
        got_t, expected_t = torch.from_numpy(got.copy()), torch.from_numpy(np.asarray(expected))
        scale_t = torch.from_numpy(np.asarray(scale))
        try:
            compare(got_t, expected_t, scale=scale_t, function=function)
        except Failure:
            ctx.evidence.observe(
                misconceptions, case, got_t, expected_t, scale_t if got_t.shape == expected_t.shape else None
            )
            raise
        inputs_unchanged(outcome, case, function)
    except Failure as failure:
        if companion is not None and not failure.fatal and not outcome.child_lost:
            _observe_companion(ctx, function, *companion(case), misconceptions)
        raise Failure(f"{failure}\n    Input: {case.describe(arg_names)}", failure.fatal) from None
    return got


def _observe_companion(ctx, function: str, case: Case, expected: np.ndarray, scale: np.ndarray, misconceptions):
    """What the student's answer on ``case`` says about ``misconceptions``; a right answer rules out
    only the mistakes that predict something else."""
    outcome = ctx.call(function, case)
    if crashed(outcome):
        ctx.evidence.observe_crash(misconceptions, case)
        return
    try:
        got = torch.from_numpy(np.asarray(as_ndarray(outcome_value(outcome, function), function), np.float32))
    except Failure:
        return
    expected_t, scale_t = torch.from_numpy(np.asarray(expected)), torch.from_numpy(np.asarray(scale))
    if got.shape != expected_t.shape:
        ctx.evidence.observe(applicable(misconceptions, case), case, got, expected_t)
        return
    right = first_difference(got, expected_t, scale_t)[0] is None
    telling = [
        m for m in applicable(misconceptions, case) if not right or predicts_otherwise(m, case, expected_t, scale_t)
    ]
    ctx.evidence.observe(telling, case, got, expected_t, scale_t)


def _filter_companion(case):
    """The failing image grown to at least 4 x 5 (small integers of its dtype), with the same kernel."""
    image, kernel = case.args
    shape = (max(image.shape[0] + 2, 4), max(image.shape[1] + 2, 5))
    grown = (grown_values(shape, torch.float64) + 3).numpy().astype(image.dtype)
    return Case((grown, kernel)), _filter(grown, kernel), _filter_scale(grown, kernel)


def verify_filter(ctx, case):
    """filter2d(image, kernel) equals cv2.filter2D(image.astype(np.float32), cv2.CV_32F, kernel)."""
    image, kernel = case.args
    check_image_call(
        ctx,
        "filter2d",
        case,
        _filter(image, kernel),
        _filter_scale(image, kernel),
        FILTER_MISTAKES,
        FILTER_ARGS,
        companion=_filter_companion,
    )


def verify_magnitude(ctx, case):
    """gradient_magnitude(image, mode) equals the Sobel magnitude of cv2.filter2D's responses."""
    image = case.args[0]
    scale = _filter_scale(image, SOBEL_X) + _filter_scale(image, SOBEL_Y)
    SIGNATURE.check(
        ctx,
        case,
        lambda called: check_image_call(
            ctx,
            "gradient_magnitude",
            called,
            _magnitude(image, _mode(case)).numpy(),
            scale,
            MAGNITUDE_MISTAKES,
            MAGNITUDE_ARGS,
        ),
    )


DEFAULT_DTYPE = Mistake(
    "edges.default_numpy_dtype",
    "np.array of a list of Python ints is int64 (and of floats float64); pass dtype=np.float32",
)


def _sobel_body(ctx):
    """sobel_kernels() returns the float32 Sobel kernels gx and gy = gx.T of the slides."""
    value = outcome_value(ctx.call("sobel_kernels", Case()), "sobel_kernels")
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise Failure("`sobel_kernels` must return a pair (gx, gy) of NumPy arrays")
    got = [as_ndarray(v, "sobel_kernels", name) for v, name in zip(value, ("gx", "gy"))]
    for array, name in zip(got, ("gx", "gy")):
        if array.shape != (3, 3):
            raise Failure(f"{name} of `sobel_kernels` has shape {array.shape}; expected (3, 3)")
        if array.dtype != np.float32:
            named = (DEFAULT_DTYPE,) if array.dtype in (np.int64, np.float64) else ()
            raise Failure(
                f"{name} of `sobel_kernels` has dtype {array.dtype}; expected float32 "
                "(np.array(..., dtype=np.float32))" + mistake_lines(named),
                mistakes=named,
            )
    gx, gy = got
    if np.array_equal(gx, SOBEL_Y) and np.array_equal(gy, SOBEL_X):
        raise Failure(
            "gx and gy are swapped: gx = [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]] responds to changes "
            "from left to right, gy = gx.T to changes from top to bottom"
        )
    for array, name, want in zip(got, ("gx", "gy"), (SOBEL_X, SOBEL_Y)):
        if not np.array_equal(array, want):
            hint = " (the signs are reversed)" if np.array_equal(array, -want) else ""
            raise Failure(f"{name} of `sobel_kernels` is {array.tolist()}; expected {want.tolist()}{hint}")


BAD_FILTER = [
    (lambda: Case((np.arange(25, dtype=np.float32).reshape(5, 5), np.ones((2, 2), np.float32))), "for a 2x2 kernel"),
    (
        lambda: Case((np.arange(25, dtype=np.float32).reshape(5, 5), np.ones((4, 3), np.float32))),
        "for a 4x3 kernel (even height)",
    ),
    (
        lambda: Case((np.arange(25, dtype=np.uint8).reshape(5, 5), np.ones((3, 4), np.float32))),
        "for a 3x4 kernel (even width)",
    ),
    (
        lambda: Case((np.zeros((5, 5, 3), np.uint8), np.ones((3, 3), np.float32))),
        "for a 3-D (color, H x W x 3) image: filter2d takes single-channel images",
    ),
    (lambda: Case((np.arange(6, dtype=np.float32), np.ones((3, 3), np.float32))), "for a 1-D image"),
]

BAD_MAGNITUDE = [
    (lambda: Case((np.arange(16, dtype=np.uint8).reshape(4, 4),), {"mode": "l3"}), 'for mode="l3"'),
    (lambda: Case((np.arange(16, dtype=np.uint8).reshape(4, 4),), {"mode": "max"}), 'for mode="max"'),
    (lambda: Case((np.arange(16, dtype=np.uint8).reshape(4, 4),), {"mode": ""}), 'for mode=""'),
    (
        lambda: Case((np.arange(16, dtype=np.uint8).reshape(4, 4), "L2")),
        'for mode="L2" (given by position): the modes are "l2" and "l1", lower case',
    ),
]


CHECKS = [
    Scripted(
        "sobel_kernels_values",
        "sobel_kernels returns the float32 Sobel kernels gx and gy = gx.T",
        "sobel_kernels",
        1.0,
        body=_sobel_body,
    ),
    Property(
        "filter2d_matches_reference",
        "filter2d matches cv2.filter2D (image dtypes, odd and non-square kernels, BORDER_REFLECT_101)",
        "filter2d",
        3.5,
        strategy=filter_cases,
        verify=verify_filter,
        features=FILTER_FEATURES,
    ),
    Property(
        "filter2d_small_images",
        "filter2d matches cv2.filter2D on thin images (1xN, Nx1) and images smaller than the kernel",
        "filter2d",
        1.5,
        strategy=small_image_cases(),
        verify=verify_filter,
    ),
    raises_value_error(
        "filter2d_errors",
        "filter2d raises ValueError for even kernels and non-2-D images",
        "filter2d",
        BAD_FILTER,
        FILTER_ARGS,
    ),
    Property(
        "gradient_magnitude_matches_reference",
        'gradient_magnitude matches the Sobel magnitudes ("l2" and "l1") computed with cv2.filter2D',
        "gradient_magnitude",
        2.5,
        strategy=magnitude_cases,
        verify=verify_magnitude,
        features=MAGNITUDE_FEATURES,
    ),
    raises_value_error(
        "gradient_magnitude_errors",
        "gradient_magnitude raises ValueError for an unknown mode",
        "gradient_magnitude",
        BAD_MAGNITUDE,
        MAGNITUDE_ARGS,
        weight=0.5,
    ),
]
