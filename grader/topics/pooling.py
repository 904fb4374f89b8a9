"""Hidden tests for ``pooling``: max_pool2d and avg_pool2d against F.max_pool2d / F.avg_pool2d."""

from __future__ import annotations

import dataclasses

import numpy as np
import torch
import torch.nn.functional as F
from hypothesis import assume
from hypothesis import strategies as st

from grader.checks import (
    Case,
    Companion,
    Misconception,
    NotApplicable,
    Property,
    check_array_call,
    float32_result,
)
from grader.checks.forbidden import Rule
from grader.checks.strategies import arrays, tensors
from grader.topics.arguments import Bad, argument_errors
from grader.topics.convolution.evidence import Signature, demands, drawn, grown_values

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
    "default stride",
    "stride",
    "padding",
    "partial windows",
    "non-square kernel",
    "pair arguments",
    "non-square input",
    "float64",
    "inputs unchanged",
    "integer dtypes",
    "channels and batch",
    "positional arguments",
    "NaN and inf",
)
# the integer dtypes PyTorch pools: every one for max pooling, int64 only for average pooling
INTEGER_DTYPES = {
    "max": (torch.int64, torch.int32, torch.int16, torch.int8, torch.uint8),
    "avg": (torch.int64,),
}


@st.composite
def pool_cases(draw, enabled: frozenset, kind: str = "max", negative_padded: bool = False):
    """(input, kernel_size, stride=..., padding=...) drawing only the ``enabled`` features, each drawn so that
    its own search exercises it.

    The core: one float32 channel of one square map that the windows cover exactly, an int square kernel, the
    stride (equal to the kernel size) and a padding of 0 given by keyword -- with ``negative_padded`` (the
    -inf padding property, which has no features), all-negative values and an int padding of 1 or more.
    "default stride" leaves the stride out (or None); "stride" and "padding" draw other ints; "partial
    windows" maps that leave a partial window at the end (which the floor rule drops); "non-square kernel"
    a kernel (kh, kw) with kh != kw; "pair arguments" kernel_size, stride and
    padding as pairs whose entries may differ; "non-square input" a map whose height and width differ;
    "integer dtypes" an integer map of a dtype PyTorch pools; "positional arguments" passes stride and padding
    by position; "NaN and inf" puts one or two of them among the values; "inputs unchanged" demands that the
    input is left alone.
    """
    on = enabled.__contains__
    n, c = (draw(st.integers(1, 2)), draw(st.integers(1, 2))) if on("channels and batch") else (1, 1)
    pair_args = on("pair arguments")
    low_k = 2 if negative_padded or on("padding") else 1
    if on("non-square kernel"):
        kh, kw = draw(st.tuples(st.integers(1, 4), st.integers(1, 4)).filter(lambda k: k[0] != k[1]))
    elif pair_args:
        kh, kw = draw(st.tuples(st.integers(low_k, 4), st.integers(low_k, 4)))
    else:
        kh = kw = draw(st.integers(low_k, 4))
    if negative_padded or on("padding"):
        if pair_args:
            padding = (draw(st.integers(0, kh // 2)), draw(st.integers(0, kw // 2)))
            if padding == (0, 0):
                padding = (1, 0) if kh >= 2 else (0, 1)
        else:
            padding = (draw(st.integers(1, max(1, min(kh, kw) // 2))),) * 2
            padding = tuple(min(p, k // 2) for p, k in zip(padding, (kh, kw)))
    elif pair_args:
        padding = (draw(st.integers(0, kh // 2)), draw(st.integers(0, kw // 2)))
    else:
        padding = (0, 0)
    strides = [None] if on("default stride") else []
    if pair_args:
        strides.append(draw(st.tuples(st.integers(1, 3), st.integers(1, 3))))
    elif on("stride"):
        strides.append((draw(st.integers(1, 3)),) * 2)
    stride = draw(st.sampled_from(strides)) if strides else (kh, kw)
    sh, sw = (kh, kw) if stride is None else stride
    if on("partial windows"):
        heights, widths = range(max(1, kh - 2 * padding[0]), 20), range(max(1, kw - 2 * padding[1]), 20)
    else:
        heights, widths = _fitting(kh, padding[0], sh), _fitting(kw, padding[1], sw)
    if on("non-square input"):
        h = draw(st.sampled_from(heights[:6]))
        w = draw(st.sampled_from([w for w in widths if w != h][:6]))
    else:
        common = [n for n in heights if n in widths]
        assume(common)  # pairs whose axes no square map fits exactly: drawn again
        h = w = draw(st.sampled_from(common[:6]))
    x = draw(_maps((n, c, h, w), enabled, kind, negative_padded))
    if on("NaN and inf") and x.is_floating_point():  # F.max_pool2d and F.avg_pool2d pass them through
        x = x.clone()
        for _ in range(draw(st.integers(1, 2))):
            x.view(-1)[draw(st.integers(0, x.numel() - 1))] = draw(st.sampled_from(NON_FINITE))

    def form(pair):
        return pair if pair_args or pair[0] != pair[1] else pair[0]

    kwargs = {"stride": None if stride is None else form(stride), "padding": form(padding)}
    if stride is None and draw(st.booleans()):
        del kwargs["stride"]
    case = Case((x, form((kh, kw))), kwargs)
    return drawn(SIGNATURES["max_pool2d"].positional(case) if on("positional arguments") else case, enabled)


def _fitting(k: int, p: int, s: int) -> list[int]:
    """Input sizes whose windows of ``k`` cells, ``s`` apart, cover the padded input exactly (no partial window
    at the end, which the floor rule drops)."""
    return [n for n in range(k - 2 * p, k - 2 * p + 12 * s, s) if n >= 1]


@st.composite
def _maps(draw, shape, enabled: frozenset, kind: str, negative_padded: bool):
    """Input maps of distinct values: a failing case then tells apart mistakes that only change which cells a
    window covers. Float32 (float64, or an integer dtype, for those features); all-negative when padded with
    -inf matters."""
    floats = {"float64", "NaN and inf"} & enabled  # all features together: floats or integers
    if "integer dtypes" in enabled and (not floats or draw(st.booleans())):
        dtype = draw(st.sampled_from(INTEGER_DTYPES[kind]))
        numpy_dtype, low, high = INTEGER_RANGES[dtype]
        return torch.from_numpy(draw(arrays(numpy_dtype, shape, low, high)))
    dtype = torch.float64 if "float64" in enabled else torch.float32
    sign = "negative" if negative_padded else draw(st.sampled_from(["mixed", "mixed", "negative", "positive"]))
    return draw(tensors(shape, dtype, *SIGNS[sign], unique=True))


INTEGER_RANGES = {  # dtype: (NumPy's, low, high)
    torch.int64: (np.int64, -100, 100),
    torch.int32: (np.int32, -100, 100),
    torch.int16: (np.int16, -100, 100),
    torch.int8: (np.int8, -100, 100),
    torch.uint8: (np.uint8, 0, 200),
}


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
        fill = _lowest(x) if kind == "max" else 0.0
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


def _lowest(x):
    """What max pooling pads ``x`` with: -inf, or the smallest value of an integer dtype."""
    return float("-inf") if x.is_floating_point() else torch.iinfo(x.dtype).min


def _integer(case):
    """The input of ``case``, if it holds integers."""
    x = case.args[0]
    if x.is_floating_point():
        raise NotApplicable("a float input")
    return x


def _minus_inf_in_integers(case):
    """``torch.full(..., float('-inf'), dtype=x.dtype)`` (a padded copy, or a running maximum's start) on an
    integer map: a RuntimeError."""
    _integer(case)
    raise RuntimeError("value cannot be converted to type int64_t without overflow")


def _floor_divided(case):
    """Integer window sums divided with //, which floors (F.avg_pool2d truncates toward zero)."""
    x, k, s, p = _options(case)
    sums = F.avg_pool2d(_integer(case).double(), k, s, p, count_include_pad=True) * (k[0] * k[1])
    return torch.floor_divide(sums.round(), k[0] * k[1]).to(x.dtype)


def _true_divided(case):
    """Integer window sums divided with /: a float32 result (PyTorch's default float dtype)."""
    x, k, s, p = _options(case)
    return F.avg_pool2d(_integer(case).double(), k, s, p, count_include_pad=True).to(torch.float32)


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
        "pooling.minus_inf_in_integer_map",
        "float('-inf') cannot be stored in an integer tensor (RuntimeError: value cannot be converted ... "
        "without overflow): pad an integer input with the smallest value of its dtype, "
        "torch.iinfo(input.dtype).min, and only a float input with -inf",
        _minus_inf_in_integers,
    ),
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
        "pooling.integer_floor_division",
        "the window sums of an integer input are divided with //, which rounds down (-7 // 2 is -4), but "
        "F.avg_pool2d truncates toward zero (-3): use torch.div(total, kh * kw, rounding_mode='trunc')",
        _floor_divided,
    ),
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


def _for_floats(mistake: Misconception) -> Misconception:
    """``mistake``, saying nothing about integer inputs (whose float results another mistake explains)."""

    def compute(case):
        if not case.args[0].is_floating_point():
            raise NotApplicable("an integer input")
        return mistake.compute(case)

    return dataclasses.replace(mistake, compute=compute)


MAX_DTYPE_MISTAKES = [float32_result(_max, "input")]
AVG_DTYPE_MISTAKES = [
    _for_floats(float32_result(_avg, "input")),
    Misconception(
        "pooling.integer_true_division",
        "dividing an integer tensor with / gives a float tensor, but the result keeps the input's dtype: "
        "divide the window sums of an integer input with torch.div(total, kh * kw, rounding_mode='trunc') "
        "(truncating toward zero, as F.avg_pool2d does)",
        _true_divided,
    ),
]


def _grown(case):
    """The failing case with an input 2 rows and 2 columns larger, of small integers (its ``Companion``): a
    1x1 map cannot tell "divides by the real cells" from "returns the sums", a larger one can."""
    x = case.args[0]
    n, c, h, w = x.shape
    return Case((grown_values((n, c, h + 2, w + 2), x.dtype), *case.args[1:]), case.kwargs)


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
            companion=Companion(_grown, _max, _scale),
            arg_names=POOL_ARGS,
            check_inputs=demands(case, "inputs unchanged"),
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
            companion=Companion(_grown, _avg, _scale),
            arg_names=POOL_ARGS,
            check_inputs=demands(case, "inputs unchanged"),
        ),
    )


def _bad(why: str, part: str, names, shape, kernel_size, **options) -> Bad:
    """An invalid call on an input of distinct values, every option given by keyword (the signature is
    checked apart)."""

    def make():
        x = torch.arange(float(torch.Size(shape).numel())).reshape(shape) - 10.0
        return SIGNATURES["max_pool2d"].spelled_out(Case((x, kernel_size), options))

    return Bad(make, why, part, names)


FITS = ("kernel_size", "kernel", "window", "input")  # the words of a message about a window that does not fit
BAD_POOLS = [
    _bad(
        "for padding=2 with kernel_size=2 (at most kernel_size // 2 = 1)",
        "padding <= kernel_size // 2",
        ("padding",),
        (1, 1, 4, 4),
        2,
        padding=2,
    ),
    _bad(
        "for padding=2 with kernel_size=3 (at most 3 // 2 = 1)",
        "padding <= kernel_size // 2",
        ("padding",),
        (1, 1, 4, 4),
        3,
        stride=1,
        padding=2,
    ),
    _bad(
        "for padding=(1, 2) with kernel_size=(3, 2) (the width padding 2 is more than 2 // 2 = 1)",
        "padding <= kernel_size // 2",
        ("padding",),
        (1, 1, 4, 4),
        (3, 2),
        padding=(1, 2),
    ),
    _bad("for padding=1 with kernel_size=1", "padding <= kernel_size // 2", ("padding",), (1, 1, 4, 4), 1, padding=1),
    _bad("for padding=-1 (padding cannot be negative)", "padding >= 0", ("padding",), (1, 1, 4, 4), 2, padding=-1),
    _bad("for kernel_size=0", "kernel_size >= 1", ("kernel_size",), (1, 1, 4, 4), 0),
    _bad("for kernel_size=(2, 0) with stride=1", "kernel_size >= 1", ("kernel_size",), (1, 1, 4, 4), (2, 0), stride=1),
    _bad("for stride=0", "stride >= 1", ("stride",), (1, 1, 4, 4), 2, stride=0),
    _bad("for stride=(1, 0) (with padding=1)", "stride >= 1", ("stride",), (1, 1, 4, 4), 2, stride=(1, 0), padding=1),
    _bad("when the 3x3 window does not fit in the 2x2 input", "window fits", FITS, (1, 1, 2, 2), 3),
    _bad(
        "when the 2x3 window does not fit in the 4x2 input (too wide)",
        "window fits",
        FITS,
        (1, 1, 4, 2),
        (2, 3),
        stride=1,
    ),
    _bad(
        "when the 4x4 window does not fit in the 1x1 input padded to 3x3 (padding=1)",
        "window fits",
        FITS,
        (1, 1, 1, 1),
        4,
        padding=1,
    ),
    _bad("for a 3-D input (C, H, W): there is no implicit batch dimension", "4-D input", ("input",), (1, 4, 4), 2),
    _bad("for a 2-D input", "4-D input", ("input",), (4, 4), 2),
    _bad("for a 5-D input", "4-D input", ("input",), (1, 1, 1, 4, 4), 2),
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
        strategy=pool_cases(frozenset(), negative_padded=True),
        verify=verify_max,
    ),
    argument_errors(
        "max_pool2d_errors",
        "max_pool2d raises ValueError for invalid options, windows that do not fit and non-4-D inputs",
        "max_pool2d",
        BAD_POOLS,
        POOL_ARGS,
        weight=0.5,
    ),
    Property(
        "avg_pool2d_matches_reference",
        "avg_pool2d matches F.avg_pool2d with count_include_pad=True (shapes, strides, paddings, dtypes)",
        "avg_pool2d",
        4.25,
        strategy=lambda enabled: pool_cases(enabled, "avg"),
        verify=verify_avg,
        features=POOL_FEATURES,
    ),
    argument_errors(
        "avg_pool2d_errors",
        "avg_pool2d raises ValueError for invalid options, windows that do not fit and non-4-D inputs",
        "avg_pool2d",
        BAD_POOLS,
        POOL_ARGS,
        weight=0.5,
    ),
]
