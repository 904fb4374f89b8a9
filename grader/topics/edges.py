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
    applicable,
    as_ndarray,
    compare,
    crashed,
    describe,
    first_difference,
    inputs_unchanged,
    mistake_lines,
    outcome_value,
    predicts_otherwise,
    values_text,
)
from grader.checks.forbidden import Rule
from grader.checks.strategies import arrays
from grader.topics.arguments import Bad, argument_errors
from grader.topics.convolution.evidence import Signature, demands, drawn, grown_values, unlike

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


# "border", "float32 result" and "image unchanged" are demands on the answer (``Drawn``): without them
# the core judges the pixels where the kernel fits, in any float dtype, and does not look at the inputs.
FILTER_FEATURES = (
    "border",
    "float32 result",
    "image dtypes",
    "kernel dtypes",
    "non-square kernel",
    "kernel sizes 1/5/7",
    "image unchanged",
)
MAGNITUDE_FEATURES = ('"l1" mode', "border", "float32 result", "image dtypes", "mode left out", "positional arguments")


def images(shape, any_dtype: bool = True):
    dtypes = list(IMAGE_RANGES) if any_dtype else [np.float32]
    return st.sampled_from(dtypes).flatmap(lambda dtype: arrays(dtype, shape, *IMAGE_RANGES[dtype]))


def kernels(shape, any_dtype: bool = True):
    """Kernels whose values, when both shrink, are not the image's (``unlike``)."""
    dtypes = list(KERNEL_RANGES) if any_dtype else [np.float32]
    return st.sampled_from(dtypes).flatmap(lambda dtype: arrays(dtype, shape, *KERNEL_RANGES[dtype]).map(unlike))


@st.composite
def filter_cases(draw, enabled: frozenset):
    """(image, kernel) drawing only the ``enabled`` features; the core is a float32 image with a float32
    3x3 kernel, at least as large as the kernel (some pixels have the whole kernel inside the image);
    with "border", at least ``k // 2 + 1`` pixels on each side (the mirrored border is one reflection deep)."""
    on = enabled.__contains__
    sides = ODD_SIDES if on("kernel sizes 1/5/7") else [3]
    kh = kw = draw(st.sampled_from(sides))
    if on("non-square kernel"):
        other = draw(st.sampled_from(sorted(set(sides) - {kh} | {1, 5} - {kh})))
        kh, kw = (kh, other) if draw(st.booleans()) else (other, kh)
    least = (kh // 2 + 1, kw // 2 + 1) if on("border") else (kh, kw)
    h, w = draw(st.integers(least[0], kh // 2 + 8)), draw(st.integers(least[1], kw // 2 + 8))
    case = Case((draw(images((h, w), on("image dtypes"))), draw(kernels((kh, kw), on("kernel dtypes")))))
    return drawn(case, enabled)


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
    # float32 only, and only the border demanded: dtypes and inputs are the main property's
    return drawn(Case((draw(images((h, w), False)), draw(kernels((kh, kw), False)))), frozenset({"border"}))


@st.composite
def magnitude_cases(draw, enabled: frozenset):
    """gradient_magnitude arguments drawing only the ``enabled`` features; the core is a float32 image
    and mode="l2" by keyword ("mode left out" leaves it out, "positional arguments" gives it by position).
    At least 3 x 3: in a thinner image Gx or Gy is 0 everywhere (the mirrored border repeats the same
    pixel on both sides), which hides which one is missing."""
    on = enabled.__contains__
    h, w = draw(st.integers(3, 9)), draw(st.integers(3, 9))
    modes = (["l1"] if on('"l1" mode') else []) + ([None] if on("mode left out") else [])
    mode = draw(st.sampled_from(modes)) if modes else "l2"
    case = Case((draw(images((h, w), on("image dtypes"))),), {} if mode is None else {"mode": mode})
    return drawn(SIGNATURE.positional(case) if on("positional arguments") else case, enabled)


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


def _mirrored_once(image, kernel):
    """A loop that mirrors a border index once (-i above the image, 2*(h-1) - i below it), as NumPy indexes
    it: a negative index wraps around, one out of range raises IndexError."""
    image = image.astype(np.float32).astype(np.float64)
    (h, w), (kh, kw) = image.shape, kernel.shape

    def mirror(i, n):
        return -i if i < 0 else 2 * (n - 1) - i if i >= n else i

    out = np.zeros((h, w))
    for y in range(h):
        for x in range(w):
            for i in range(kh):
                for j in range(kw):
                    out[y, x] += float(kernel[i, j]) * image[mirror(y + i - kh // 2, h), mirror(x + j - kw // 2, w)]
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
        "edges.border_mirrored_once",
        "the border is mirrored only once (index -i above the image, 2*(h-1) - i below it): an image side "
        "shorter than the kernel's half-width + 1 needs the mirror repeated (BORDER_REFLECT_101 repeats with "
        "period 2*(h-1), a 1-pixel side repeats its pixel): fold the index until it lands inside, as the given "
        "_reflect101 does",
        lambda c: _mirrored_once(c.args[0], c.args[1]),
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
    interior: tuple[int, int] | None = None,
    float32: bool = True,
    inputs: bool = True,
    callees=(),
) -> np.ndarray:
    """Call ``function`` and demand a NumPy array equal to ``expected``.

    ``interior``: (rows, columns) of border left unjudged on each side (the border is its own feature; an
    answer of the size that leaves it out, a 'valid' correlation, is judged on what it has); ``float32``:
    demand the dtype (else a float answer of another dtype is judged on its values); ``inputs``: demand the
    inputs unchanged; ``callees`` as in ``Context.call``. ``companion``: (case, expected, scale) of a larger
    relative, whose answer (right or wrong) tells apart mistakes that a failing thin image cannot (see
    ``grader.checks.Companion``).
    """
    outcome = ctx.call(function, case, return_inputs=True, callees=callees)
    try:
        if crashed(outcome):
            ctx.evidence.observe_crash(misconceptions, case)
        got = as_ndarray(outcome_value(outcome, function), function)
        named = _dtype_mistakes(got, case.args[0]) if got.dtype != np.float32 else ()
        wrong_dtype = Failure(
            f"the result of `{function}` has dtype {got.dtype}; expected float32 "
            "(as cv2.filter2D gives with ddepth=cv2.CV_32F): convert with .astype(np.float32)" + mistake_lines(named),
            mistakes=named,
        )
        if got.dtype != np.float32 and (float32 or got.dtype.kind not in "fiu"):
            raise wrong_dtype
        got_t, expected_t = torch.from_numpy(got.astype(np.float32)), torch.from_numpy(np.asarray(expected))
        scale_t = torch.from_numpy(np.asarray(scale))
        try:
            judged_got, judged_expected, judged_scale = _judged(got_t, expected_t, scale_t, interior)
            compare(judged_got, judged_expected, scale=judged_scale, function=function)
        except Failure:
            ctx.evidence.observe(
                misconceptions, case, got_t, expected_t, scale_t if got_t.shape == expected_t.shape else None
            )
            if got.dtype.kind in "iu":  # values cut to integers: the dtype is what went wrong
                raise wrong_dtype from None
            raise
        if inputs:
            inputs_unchanged(outcome, case, function)
    except Failure as failure:
        if companion is not None and not failure.fatal and not outcome.child_lost:
            _observe_companion(ctx, function, *companion(case), misconceptions)
        raise Failure(f"{failure}\n    Input: {case.describe(arg_names)}", failure.fatal) from None
    return got


def _judged(got, expected, scale, interior):
    """(got, expected, scale) as far as they are judged: all of them, or without a border of ``interior``
    (rows, columns) on each side; an answer of the size without that border is judged as it is."""
    if interior is None:
        return got, expected, scale
    (h, w), (ry, rx) = expected.shape, interior
    inside = (slice(ry, h - ry), slice(rx, w - rx))
    return (got if tuple(got.shape) == (h - 2 * ry, w - 2 * rx) else got[inside]), expected[inside], scale[inside]


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
        interior=None if demands(case, "border") else (kernel.shape[0] // 2, kernel.shape[1] // 2),
        float32=demands(case, "float32 result"),
        inputs=demands(case, "image unchanged"),
    )


def verify_magnitude(ctx, case):
    """gradient_magnitude(image, mode) equals the Sobel magnitude of cv2.filter2D's responses; a filter2d or
    sobel_kernels that failed its own test is replaced by the grader's for the call."""
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
            interior=None if demands(case, "border") else (1, 1),
            float32=demands(case, "float32 result"),
            callees=("filter2d", "sobel_kernels"),
        ),
    )


DEFAULT_DTYPE = Mistake(
    "edges.default_numpy_dtype",
    "np.array of a list of Python ints is int64 (and of floats float64); pass dtype=np.float32",
)


def _sobel_arrays(value) -> list[np.ndarray]:
    """The kernels (gx, gy) ``sobel_kernels`` returned, or a ``Failure`` saying what is wrong with them."""
    if not (isinstance(value, (tuple, list)) and len(value) == 2):
        raise Failure(f"`sobel_kernels` must return a pair (gx, gy) of NumPy arrays; it returned {describe(value)}")
    got = [as_ndarray(v, "sobel_kernels", name) for v, name in zip(value, ("gx", "gy"))]
    for array, name in zip(got, ("gx", "gy")):
        if array.shape != (3, 3):
            raise Failure(f"{name} of `sobel_kernels` has shape {array.shape}; expected (3, 3)")
    if np.array_equal(got[0], SOBEL_Y) and np.array_equal(got[1], SOBEL_X):
        raise Failure(
            "gx and gy are swapped: gx = [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]] responds to changes "
            "from left to right, gy = gx.T to changes from top to bottom"
        )
    for array, name, want in zip(got, ("gx", "gy"), (SOBEL_X, SOBEL_Y)):
        if not np.array_equal(array, want):
            hint = " (the signs are reversed)" if np.array_equal(array, -want) else ""
            raise Failure(f"{name} of `sobel_kernels` is {values_text(array)}; expected {values_text(want)}{hint}")
    return got


SOBEL_PARTS = ("kernels", "float32", "a tuple")  # the kernels' values are the core; dtype and type earn a share each
SOBEL_WEIGHTS = {"kernels": 2.0}


def verify_sobel(ctx, _):
    """sobel_kernels() returns the tuple (gx, gy) of the slides' float32 Sobel kernels, gy = gx.T."""
    value = outcome_value(ctx.call("sobel_kernels", Case()), "sobel_kernels")
    try:
        got = _sobel_arrays(value)
    except Failure as failure:
        ctx.require("kernels", False, str(failure))
        return
    for array, name in zip(got, ("gx", "gy")):
        named = (DEFAULT_DTYPE,) if array.dtype in (np.int64, np.float64) else ()
        ctx.require(
            "float32",
            array.dtype == np.float32,
            f"{name} of `sobel_kernels` has dtype {array.dtype}; expected float32 "
            "(np.array(..., dtype=np.float32))" + mistake_lines(named),
            mistakes=named,
        )
    ctx.require(
        "a tuple",
        isinstance(value, tuple),
        f"`sobel_kernels` returned a {type(value).__name__}; the contract's result is the tuple (gx, gy): "
        "return gx, gy (the comma makes the tuple)",
    )


def _numbers(shape, dtype=np.float32) -> np.ndarray:
    return np.arange(int(np.prod(shape))).reshape(shape).astype(dtype)


BAD_FILTER = [  # inputs of at most 16 elements: printed in full in the feedback
    Bad(lambda: Case((_numbers((4, 4)), np.ones((2, 2), np.float32))), "for a 2x2 kernel", "odd kernel", ("kernel",)),
    Bad(
        lambda: Case((_numbers((4, 4)), np.ones((4, 3), np.float32))),
        "for a 4x3 kernel (even height)",
        "odd kernel",
        ("kernel",),
    ),
    Bad(
        lambda: Case((_numbers((4, 4), np.uint8), np.ones((3, 4), np.float32))),
        "for a 3x4 kernel (even width)",
        "odd kernel",
        ("kernel",),
    ),
    Bad(
        lambda: Case((np.zeros((2, 2, 3), np.uint8), np.ones((3, 3), np.float32))),
        "for a 3-D (color, H x W x 3) image: filter2d takes single-channel images",
        "2-D image",
        ("image",),
    ),
    Bad(lambda: Case((_numbers((6,)), np.ones((3, 3), np.float32))), "for a 1-D image", "2-D image", ("image",)),
]

BAD_MAGNITUDE = [
    Bad(
        lambda mode=mode: Case((_numbers((4, 4), np.uint8),), {"mode": mode}),
        f'for mode="{mode}"' + (': the modes are "l2" and "l1", lower case' if mode == "L2" else ""),
        "unknown mode",
        ("mode",),
    )
    for mode in ("l3", "max", "", "L2")
]


CHECKS = [
    Property(
        "sobel_kernels_values",
        "sobel_kernels returns the float32 Sobel kernels gx and gy = gx.T",
        "sobel_kernels",
        1.0,
        strategy=st.just(None),
        verify=verify_sobel,
        array_valued=False,
        parts=SOBEL_PARTS,
        core_part="kernels",
        part_weights=SOBEL_WEIGHTS,
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
    argument_errors(
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
    argument_errors(
        "gradient_magnitude_errors",
        "gradient_magnitude raises ValueError for an unknown mode",
        "gradient_magnitude",
        BAD_MAGNITUDE,
        MAGNITUDE_ARGS,
        weight=0.5,
    ),
]
