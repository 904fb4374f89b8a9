"""Hidden tests for ``pooling``: max_pool2d and avg_pool2d against F.max_pool2d / F.avg_pool2d."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from hypothesis import strategies as st

from grader.checks import (
    Case,
    Misconception,
    NotApplicable,
    Property,
    check_array_call,
    float32_result,
    raises_value_error,
)
from grader.checks.forbidden import Rule
from grader.checks.strategies import DTYPES, int_or_pair, pairs, tensors
from grader.topics.convolution.evidence import Signature

POINTS = 10

POOLING_RULE = Rule(
    "a built-in pooling (F.max_pool2d, F.avg_pool2d, nn.MaxPool2d, nn.AvgPool2d, adaptive, fractional or "
    "LP pooling, or an aten pooling op)",
    runtime=r"^(fn:\w*(max_pool|avg_pool|adaptive_|fractional_max|lp_pool)\w*"
    r"|aten:\w*(max_pool|avg_pool|adaptive_(max|avg)|fractional_max)\w*)$",
    static=r"\.((max|avg|lp)_pool[123]d(_with_indices)?|adaptive_(max|avg)_pool[123]d(_with_indices)?"
    r"|fractional_max_pool[123]d(_with_indices)?|(Max|Avg|LP|FractionalMax|AdaptiveMax|AdaptiveAvg)Pool[123]d)$",
)
UNFOLD_RULE = Rule(
    "unfold/im2col (F.unfold, nn.Unfold, Tensor.unfold)",
    runtime=r"^(fn:(unfold|im2col)|aten:(im2col|unfold))$",
    static=r"\.(unfold|Unfold|im2col)$",
)
CONVOLUTION_RULE = Rule(
    "a convolution (F.conv2d, torch.conv2d, nn.Conv2d or an aten convolution op)",
    runtime=r"^(fn:(conv\d?d|convolution|_convolution|conv_transpose\dd)|aten:(_?convolution|conv|cudnn_conv"
    r"|mkldnn_conv|_slow_conv|slow_conv|thnn_conv|_nnpack|miopen_conv|deform_conv))",
    static=r"\.(conv[123]d|convolution|_convolution|Conv[123]d|conv_transpose[123]d)$",
)
FILTER_RULE = Rule(
    "an OpenCV/SciPy filter (cv2.blur, cv2.boxFilter, cv2.dilate, scipy.ndimage, ...)",
    runtime=r"^(cv2:|scipy\.|numpy:)",
    static=r"^(cv2\.(blur|boxFilter|filter2D|dilate|erode|morphologyEx)|scipy\.(signal|ndimage))",
)
BY_LOOPS = {
    "max_pool2d": [POOLING_RULE, UNFOLD_RULE, FILTER_RULE],
    "avg_pool2d": [POOLING_RULE, UNFOLD_RULE, CONVOLUTION_RULE, FILTER_RULE],
}

POOL_ARGS = ("input", "kernel_size", "stride", "padding")
SIGNATURES = {
    name: Signature(name, POOL_ARGS, {"stride": None, "padding": 0}, leading=2) for name in ("max_pool2d", "avg_pool2d")
}
NON_FINITE = (float("nan"), float("inf"), float("-inf"))

# Value ranges: all-negative maps are where -inf padding differs from zero padding.
SIGNS = {"mixed": (-10.0, 10.0), "negative": (-10.0, -0.125), "positive": (0.125, 10.0)}


# ------------------------------------------------------------------ strategies

POOL_FEATURES = (
    "stride",
    "padding",
    "pair arguments",
    "non-square",
    "float64",
    "channels and batch",
    "positional arguments",
    "NaN and inf",
)
# every case of the negative-padded property is padded: padding is its core, not a feature
PADDED_FEATURES = ("stride", "pair arguments", "non-square", "float64", "channels and batch")


@st.composite
def pool_cases(draw, enabled: frozenset, negative_padded: bool = False):
    """(input, kernel_size, stride=..., padding=...) drawing only the ``enabled`` features.

    The core: one float32 channel of one square map, an int square kernel, stride left out (or None,
    or equal to the kernel) and no padding -- with ``negative_padded``, all-negative values and an int
    padding of 1 or more instead. "pair arguments" passes kernel_size, stride and padding as pairs whose
    entries may differ; "non-square" lets the map's height and width differ; "positional arguments" passes
    stride and padding by position; "NaN and inf" puts one or two of them among the values.
    """
    on = enabled.__contains__
    dtype = draw(DTYPES) if on("float64") else torch.float32
    n, c = (draw(st.integers(1, 2)), draw(st.integers(1, 2))) if on("channels and batch") else (1, 1)
    pair_args = on("pair arguments")
    if negative_padded:  # some axis has a kernel of 2+ and padding 1+
        if pair_args:
            kh, kw = draw(
                st.one_of(
                    st.tuples(st.integers(2, 4), st.integers(1, 4)), st.tuples(st.integers(1, 4), st.integers(2, 4))
                )
            )
            padding = (draw(st.integers(0, kh // 2)), draw(st.integers(0, kw // 2)))
            if padding == (0, 0):
                padding = (1, 0) if kh >= 2 else (0, 1)
        else:
            kh = kw = draw(st.integers(2, 4))
            padding = (draw(st.integers(1, kh // 2)),) * 2
        low, high = SIGNS["negative"]
    else:
        kh, kw = draw(pairs(1, 4, square=not pair_args))
        if not on("padding"):
            padding = (0, 0)
        elif pair_args:
            padding = (draw(st.integers(0, kh // 2)), draw(st.integers(0, kw // 2)))
        else:
            padding = (draw(st.integers(0, kh // 2)),) * 2
        low, high = SIGNS[draw(st.sampled_from(["mixed", "mixed", "negative", "positive"]))]
    strides = [st.just(None), st.just((kh, kw))]  # the default, left out or written out
    if on("stride"):
        strides += [pairs(1, 3, square=not pair_args)] * 2
    stride = draw(st.one_of(*strides))
    lo = (max(1, kh - 2 * padding[0]), max(1, kw - 2 * padding[1]))
    h = draw(st.integers(lo[0], lo[0] + 5))
    w = draw(st.integers(lo[1], lo[1] + 5)) if on("non-square") else max(h, lo[1])
    h = h if on("non-square") else max(h, w)
    # distinct values: a failing case then tells apart mistakes that only change which cells a window covers
    x = draw(tensors((n, c, h, w), dtype, low, high, unique=True))
    if on("NaN and inf"):  # F.max_pool2d and F.avg_pool2d pass them through
        x = x.clone()
        for _ in range(draw(st.integers(1, 2))):
            x.view(-1)[draw(st.integers(0, x.numel() - 1))] = draw(st.sampled_from(NON_FINITE))

    def form(pair):
        return draw(int_or_pair(pair)) if pair_args else pair[0]

    kwargs = {}
    if stride is not None or draw(st.booleans()):
        kwargs["stride"] = None if stride is None else form(stride)
    if padding != (0, 0) or draw(st.booleans()):
        kwargs["padding"] = form(padding)
    case = Case((x, form((kh, kw))), kwargs)
    return SIGNATURES["max_pool2d"].positional(case) if on("positional arguments") and draw(st.booleans()) else case


# ------------------------------------------------------------------ references


def _pair(v):
    return tuple(v) if isinstance(v, (tuple, list)) else (v, v)


def _options(case):
    """(input, (kh, kw), (sh, sw), (ph, pw)) of a case, stride defaulted to the kernel size."""
    case = SIGNATURES["max_pool2d"].canonical(case)
    x, kernel_size = case.args
    kernel = _pair(kernel_size)
    stride = case.kwargs.get("stride")
    return x, kernel, kernel if stride is None else _pair(stride), _pair(case.kwargs.get("padding", 0))


def _max(case, **override):
    x, k, s, p = _options(case)
    options = dict({"kernel_size": k, "stride": s, "padding": p}, **override)
    return F.max_pool2d(x, **options)


def _avg(case, **override):
    x, k, s, p = _options(case)
    options = dict({"kernel_size": k, "stride": s, "padding": p, "count_include_pad": True}, **override)
    return F.avg_pool2d(x, **options)


def _scale(case):
    """The largest |x| of each window: the magnitude behind each output."""
    x, k, s, p = _options(case)
    return F.max_pool2d(x.abs(), k, s, p)


# ------------------------------------------------------------------ misconceptions


def _naive(case, kind, kernel=None, stride=None, padding=None, fill=None, ceil=False, divisor=None, one_sided=False):
    """What a straightforward student loop computes with the given (possibly wrong) choices.

    Pads with ``fill`` (-inf for max, 0 for avg unless overridden), slides ``kernel`` windows
    ``stride`` apart (windows running past the end are cut short, as Python slicing does),
    and reduces each with max or sum / ``divisor``.
    """
    x, k, s, p = _options(case)
    k, s, p = kernel or k, stride or s, p if padding is None else padding
    if fill is None:
        fill = float("-inf") if kind == "max" else 0.0
    pad = (0, 2 * p[1], 0, 2 * p[0]) if one_sided else (p[1], p[1], p[0], p[0])
    padded = F.pad(x, pad, value=fill)
    height, width = padded.shape[2], padded.shape[3]

    def size(n, k, s):
        return (-(-(n - k) // s) if ceil else (n - k) // s) + 1

    oh, ow = size(height, k[0], s[0]), size(width, k[1], s[1])
    if oh < 0 or ow < 0:
        raise NotApplicable("a negative output size: the student's code may crash or return an empty tensor")
    out = x.new_zeros((x.shape[0], x.shape[1], oh, ow))
    for i in range(oh):
        for j in range(ow):
            window = padded[:, :, i * s[0] : i * s[0] + k[0], j * s[1] : j * s[1] + k[1]]
            if kind == "max":
                out[:, :, i, j] = window.amax(dim=(2, 3))
            else:
                out[:, :, i, j] = window.sum(dim=(2, 3)) / (divisor or k[0] * k[1])
    return out


def _stride_one(kind):
    """stride=None taken for 1 (a given stride is used as it should be)."""

    def compute(case):
        return _naive(case, kind, stride=(1, 1) if case.kwargs.get("stride") is None else None)

    return compute


def _stride_ignored(kind):
    """The windows always move kernel_size cells (right when stride is None)."""

    def compute(case):
        x, k, s, p = _options(case)
        return _naive(case, kind, stride=k)

    return compute


def _swapped(kind):
    def compute(case):
        x, k, s, p = _options(case)
        return _naive(case, kind, kernel=k[::-1], stride=s[::-1], padding=p[::-1])

    return compute


def _no_pairs(pool):
    """kernel_size, stride and padding taken as ints: a pair makes the arithmetic raise (TypeError)."""

    def compute(case):
        case = SIGNATURES["max_pool2d"].canonical(case)
        if any(isinstance(v, (tuple, list)) for v in (case.args[1], *case.kwargs.values())):
            raise TypeError("unsupported operand type(s): a tuple where an int was expected")
        return pool(case)

    return compute


def _swapped_dims(pool):
    """``N, C, W, H = input.shape``: right on square maps, a shape error on the others."""

    def compute(case):
        x = case.args[0]
        if x.shape[2] != x.shape[3]:
            raise RuntimeError("the size of tensor a must match the size of tensor b")
        return pool(case)

    return compute


def _nan_skipped(case):
    """A running maximum ``torch.where(window > out, window, out)`` from -inf: a NaN never wins."""
    x, k, s, p = _options(case)
    if not bool(x.isnan().any()):
        raise NotApplicable("no NaN")
    return F.max_pool2d(torch.where(x.isnan(), float("-inf"), x), k, s, p)


def _avg_square_divisor(case):
    x, k, s, p = _options(case)
    return _naive(case, "avg", divisor=k[0] * k[0])


def _common(kind, pool):
    name = f"{kind}_pool2d"
    return [
        Misconception(
            "pooling.stride_default_one",
            "the stride defaults to 1, but when `stride` is None it must equal `kernel_size` "
            f"(non-overlapping windows), as in F.{name}",
            _stride_one(kind),
        ),
        Misconception(
            "pooling.stride_argument_ignored_windows_must",
            "the `stride` argument is ignored: windows must start `stride` cells apart "
            "(only stride=None means stride=kernel_size)",
            _stride_ignored(kind),
        ),
        Misconception(
            "pooling.pair_arguments_applied_wrong_axes",
            "pair arguments are applied to the wrong axes: the first entry of kernel_size, stride "
            "and padding is for the height (rows, dim 2), the second for the width (columns, dim 3)",
            _swapped(kind),
        ),
        Misconception(
            "pooling.keeps_partial_windows_end_rounding",
            "it keeps the partial windows at the end (rounding the output size up): the output size "
            "is floor((H + 2*padding - kernel_size) / stride) + 1",
            lambda c: _naive(c, kind, ceil=True),
        ),
        Misconception(
            "pooling.padding_ignored_pad_padding_cells",
            "the padding is ignored: pad `padding` cells on every side before sliding the window",
            lambda c: _naive(c, kind, padding=(0, 0)),
        ),
        Misconception(
            "pooling.padding_added_one_side_only",
            "the padding is added on one side only (2*padding at the bottom/right); pad `padding` "
            "cells on the top, bottom, left and right",
            lambda c: _naive(c, kind, one_sided=True),
        ),
        Misconception(
            "pooling.no_pair_arguments",
            "kernel_size, stride and padding may be pairs (along the height, along the width), as in "
            f"F.{name}: accept both an int k (meaning (k, k)) and a tuple",
            _no_pairs(pool),
        ),
        Misconception(
            "pooling.height_width_input_read_wrong",
            "the height and width of the input are read in the wrong order (N, C, H, W = input.shape, "
            "height first): it only works on square maps",
            _swapped_dims(pool),
        ),
    ]


MAX_MISTAKES = [
    Misconception(
        "pooling.pads_zeros_but_max_pooling",
        "it pads with zeros, but max pooling pads with -inf: when every real value of a window is "
        "negative, a zero from the padding must not win (use float('-inf') or the window's own values)",
        lambda c: _naive(c, "max", fill=0.0),
    ),
    Misconception(
        "pooling.nan_window_skipped_but_f",
        "a NaN in a window is skipped, but F.max_pool2d returns NaN for it: a comparison such as "
        "`v > best` or `torch.where(window > out, window, out)` is False for NaN; torch.maximum and "
        "amax propagate NaN",
        _nan_skipped,
    ),
    *_common("max", _max),
]

AVG_MISTAKES = [
    Misconception(
        "pooling.divides_number_real_non_padded",
        "it divides by the number of real (non-padded) cells of the window, but with "
        "count_include_pad=True the padded zeros count: always divide by kernel_h * kernel_w",
        lambda c: _avg(c, count_include_pad=False),
    ),
    *_common("avg", _avg),
    Misconception(
        "pooling.returns_window_sums_divide_windows",
        "it returns the window sums: divide by the window's size kernel_h * kernel_w",
        lambda c: _naive(c, "avg", divisor=1),
    ),
    Misconception(
        "pooling.divides_kernel_h_kernel_h",
        "it divides by kernel_h * kernel_h: for a non-square window the size is kernel_h * kernel_w",
        _avg_square_divisor,
    ),
]


MAX_DTYPE_MISTAKES, AVG_DTYPE_MISTAKES = [float32_result(_max, "input")], [float32_result(_avg, "input")]


def verify_max(ctx, case):
    """max_pool2d equals F.max_pool2d (padding -inf, ceil_mode=False), however the options are passed."""
    SIGNATURES["max_pool2d"].check(
        ctx,
        case,
        lambda called: check_array_call(
            ctx,
            "max_pool2d",
            called,
            _max(called),
            scale=_scale(called),
            misconceptions=MAX_MISTAKES,
            dtype_mistakes=MAX_DTYPE_MISTAKES,
            arg_names=POOL_ARGS,
        ),
    )


def verify_avg(ctx, case):
    """avg_pool2d equals F.avg_pool2d with count_include_pad=True, ceil_mode=False, however the options are passed."""
    SIGNATURES["avg_pool2d"].check(
        ctx,
        case,
        lambda called: check_array_call(
            ctx,
            "avg_pool2d",
            called,
            _avg(called),
            scale=_scale(called),
            misconceptions=AVG_MISTAKES,
            dtype_mistakes=AVG_DTYPE_MISTAKES,
            arg_names=POOL_ARGS,
        ),
    )


def _bad_pool_cases():
    def x(*shape):
        return torch.arange(float(torch.Size(shape).numel())).reshape(shape) - 10.0

    return [
        (
            lambda: Case((x(1, 1, 4, 4), 2), {"padding": 2}),
            "for padding=2 with kernel_size=2 (at most kernel_size // 2 = 1)",
        ),
        (
            lambda: Case((x(1, 1, 4, 4), 3), {"stride": 1, "padding": 2}),
            "for padding=2 with kernel_size=3 (at most 3 // 2 = 1)",
        ),
        (
            lambda: Case((x(1, 1, 4, 4), (3, 2)), {"padding": (1, 2)}),
            "for padding=(1, 2) with kernel_size=(3, 2) (the width padding 2 is more than 2 // 2 = 1)",
        ),
        (lambda: Case((x(1, 1, 4, 4), 1), {"padding": 1}), "for padding=1 with kernel_size=1"),
        (lambda: Case((x(1, 1, 4, 4), 2), {"padding": -1}), "for padding=-1 (padding cannot be negative)"),
        (lambda: Case((x(1, 1, 4, 4), 0)), "for kernel_size=0"),
        (lambda: Case((x(1, 1, 4, 4), (2, 0)), {"stride": 1}), "for kernel_size=(2, 0) with stride=1"),
        (lambda: Case((x(1, 1, 4, 4), 2), {"stride": 0}), "for stride=0"),
        (lambda: Case((x(1, 1, 4, 4), 2, (1, 0), 1)), "for stride=(1, 0) (given by position, with padding=1)"),
        (lambda: Case((x(1, 1, 2, 2), 3)), "when the 3x3 window does not fit in the 2x2 input"),
        (
            lambda: Case((x(1, 1, 4, 2), (2, 3)), {"stride": 1}),
            "when the 2x3 window does not fit in the 4x2 input (too wide)",
        ),
        (
            lambda: Case((x(1, 1, 1, 1), 4), {"padding": 1}),
            "when the 4x4 window does not fit in the 1x1 input padded to 3x3 (padding=1)",
        ),
        (lambda: Case((x(1, 4, 4), 2)), "for a 3-D input (C, H, W): there is no implicit batch dimension"),
        (lambda: Case((x(4, 4), 2)), "for a 2-D input"),
        (lambda: Case((x(1, 1, 1, 4, 4), 2)), "for a 5-D input"),
    ]


CHECKS = [
    Property(
        "max_pool2d_matches_reference",
        "max_pool2d matches F.max_pool2d (shapes, kernel sizes, strides, paddings, dtypes)",
        "max_pool2d",
        3.5,
        strategy=pool_cases,
        verify=verify_max,
        features=POOL_FEATURES,
    ),
    Property(
        "max_pool2d_negative_padded",
        "max_pool2d pads with -inf: all-negative inputs with padding",
        "max_pool2d",
        1.25,
        strategy=lambda enabled: pool_cases(enabled, negative_padded=True),
        verify=verify_max,
        features=PADDED_FEATURES,
    ),
    raises_value_error(
        "max_pool2d_errors",
        "max_pool2d raises ValueError for invalid options, windows that do not fit and non-4-D inputs",
        "max_pool2d",
        _bad_pool_cases(),
        POOL_ARGS,
        weight=0.5,
    ),
    Property(
        "avg_pool2d_matches_reference",
        "avg_pool2d matches F.avg_pool2d with count_include_pad=True (shapes, strides, paddings, dtypes)",
        "avg_pool2d",
        4.25,
        strategy=pool_cases,
        verify=verify_avg,
        features=POOL_FEATURES,
    ),
    raises_value_error(
        "avg_pool2d_errors",
        "avg_pool2d raises ValueError for invalid options, windows that do not fit and non-4-D inputs",
        "avg_pool2d",
        _bad_pool_cases(),
        POOL_ARGS,
        weight=0.5,
    ),
]
