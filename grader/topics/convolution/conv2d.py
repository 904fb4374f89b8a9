"""``conv2d``: exactly F.conv2d (groups=1, zero padding), feature by feature, and its known mistakes."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from hypothesis import strategies as st

from grader.checks import (
    Case,
    Companion,
    Misconception,
    NotApplicable,
    Property,
    check_array_call,
    float32_result,
    raises_value_error,
)
from grader.checks.strategies import DTYPES, int_or_pair, pairs, tensors
from grader.topics.convolution.evidence import Signature, grown_values, pair

CONV_ARGS = ("input", "weight", "bias", "stride", "padding", "dilation")
# References and mistakes below read a case as (input, weight, bias) plus the options given by keyword.
SIGNATURE = Signature("conv2d", CONV_ARGS, {"bias": None, "stride": 1, "padding": 0, "dilation": 1}, leading=3)

CONV_FEATURES = (
    "bias",
    "stride",
    "padding",
    "padding='valid'",
    "dilation",
    "pair arguments",
    "non-square",
    "float64",
    "channels and batch",
    "positional arguments",
)
SAME_FEATURES = ("even kernel", "bias", "dilation", "pair arguments", "non-square", "float64", "channels and batch")


@st.composite
def conv_cases(draw, enabled: frozenset, same: bool = False):
    """conv2d arguments drawing only the ``enabled`` features; the core is one float32 square
    channel, a square kernel, no bias, and stride, padding and dilation left at their defaults (given by
    keyword or left out, and so is the bias of None). "positional arguments" passes them by position."""
    on = enabled.__contains__
    dtype = draw(DTYPES) if on("float64") else torch.float32
    n, c_in, c_out = (
        (draw(st.integers(1, 2)), draw(st.integers(1, 3)), draw(st.integers(1, 3)))
        if on("channels and batch")
        else (1, 1, 1)
    )
    square = not on("non-square")
    kh, kw = draw(pairs(1, 4, square))
    if same and not on("even kernel"):
        kh, kw = 2 * (kh // 2) + 1, 2 * (kw // 2) + 1
    equal_args = not on("pair arguments")  # stride, padding and dilation as one int each
    dilation = draw(pairs(1, 2, equal_args)) if on("dilation") else (1, 1)
    if same:
        stride, padding = (1, 1), "same"
        lo = (1, 1)
    else:
        stride = draw(pairs(1, 3, equal_args)) if on("stride") else (1, 1)
        paddings = ([pairs(0, 2, equal_args)] if on("padding") else []) + (
            [st.just("valid")] if on("padding='valid'") else []
        )
        padding = draw(st.one_of(*paddings)) if paddings else (0, 0)
        pad = (0, 0) if padding == "valid" else padding
        lo = tuple(max(1, d * (k - 1) + 1 - 2 * p) for d, k, p in zip(dilation, (kh, kw), pad))
    h = draw(st.integers(lo[0], lo[0] + 6))
    w = draw(st.integers(lo[1], lo[1] + 6)) if not square else max(h, lo[1])
    h = max(h, w) if square else h
    x = draw(tensors((n, c_in, h, w), dtype))
    weight = draw(tensors((c_out, c_in, kh, kw), dtype))
    bias = draw(st.one_of(st.none(), tensors((c_out,), dtype))) if on("bias") else None
    pair_form = st.just if equal_args else int_or_pair
    kwargs = {}
    if stride != (1, 1) or draw(st.booleans()):
        kwargs["stride"] = draw(pair_form(stride[0] if equal_args else stride))
    if padding != (0, 0) or draw(st.booleans()):
        kwargs["padding"] = (
            padding if isinstance(padding, str) else draw(pair_form(padding[0] if equal_args else padding))
        )
    if dilation != (1, 1) or draw(st.booleans()):
        kwargs["dilation"] = draw(pair_form(dilation[0] if equal_args else dilation))
    case = Case((x, weight), kwargs) if bias is None and draw(st.booleans()) else Case((x, weight, bias), kwargs)
    return SIGNATURE.positional(case) if on("positional arguments") and draw(st.booleans()) else case


def _conv(case, **override):
    x, weight, bias = case.args
    kwargs = dict(case.kwargs, **override)
    return F.conv2d(x, weight, bias, **kwargs)


def _conv_scale(case):
    x, weight, bias = case.args
    scale = F.conv2d(x.abs(), weight.abs(), None, **case.kwargs)
    return scale if bias is None else scale + bias.abs()[None, :, None, None]


def _pads(case) -> tuple[int, int, int, int]:
    """(top, bottom, left, right): the zeros conv2d adds around the input for the case's options."""
    weight = case.args[1]
    padding = case.kwargs.get("padding", 0)
    if padding == "valid":
        return 0, 0, 0, 0
    if padding == "same":
        (dh, dw), (kh, kw) = pair(case.kwargs.get("dilation", 1)), weight.shape[2:]
        th, tw = dh * (kh - 1), dw * (kw - 1)
        return th // 2, th - th // 2, tw // 2, tw - tw // 2
    ph, pw = pair(padding)
    return ph, ph, pw, pw


def _student_loop(case, bias=None, pads=None, stride=None, dilation=None, size=None):
    """The convolution a student's loop computes on the padded input with the given (possibly wrong) choices.

    ``size``: the output size it allocates (default: what the padded input, stride and dilation give).
    """
    x, weight, _ = case.args
    top, bottom, left, right = pads or _pads(case)
    stride = stride or pair(case.kwargs.get("stride", 1))
    dilation = dilation or pair(case.kwargs.get("dilation", 1))
    out = F.conv2d(F.pad(x, (left, right, top, bottom)), weight, None, stride=stride, dilation=dilation)
    if size is not None:
        if size[0] > out.shape[2] or size[1] > out.shape[3]:
            raise NotApplicable("the loop would read past the padded input")
        out = out[:, :, : size[0], : size[1]]
    return out if bias is None else out + bias


def _expected_size(case):
    return tuple(_conv(case).shape[2:])


def _bias(case):
    """The bias shaped to add to output channels, or None."""
    bias = case.args[2]
    return None if bias is None else bias[None, :, None, None]


def _bias_times_channels(case):
    x, weight, bias = case.args
    if bias is None:
        raise NotApplicable("no bias")
    return _student_loop(case, bias=x.shape[1] * bias[None, :, None, None])


def _first_bias(case):
    if case.args[2] is None:
        raise NotApplicable("no bias")
    return _student_loop(case, bias=case.args[2][0])


def _bias_along_width(case):
    """``out + bias`` without reshaping: bias broadcasts along the last axis (or the addition raises)."""
    if case.args[2] is None:
        raise NotApplicable("no bias")
    return _student_loop(case) + case.args[2]


def _adjacent_taps(case):
    """Output size with dilation, but the kernel taps read adjacent cells."""
    if pair(case.kwargs.get("dilation", 1)) == (1, 1):
        raise NotApplicable("no dilation")
    return _student_loop(case, bias=_bias(case), dilation=(1, 1), size=_expected_size(case))


def _adjacent_windows(case):
    """Output size with the stride, but the windows start at y, not y * stride."""
    if pair(case.kwargs.get("stride", 1)) == (1, 1):
        raise NotApplicable("stride 1")
    return _student_loop(case, bias=_bias(case), stride=(1, 1), size=_expected_size(case))


def _swapped(case, names=("stride", "padding", "dilation")):
    """The options ``names`` read as (width, height)."""
    try:
        return _conv(
            case, **{k: pair(v)[::-1] for k, v in case.kwargs.items() if k in names and not isinstance(v, str)}
        )
    except RuntimeError:
        raise NotApplicable("the swapped kernel does not fit: a loop may crash or return an empty tensor") from None


def _one_sided_same(case):
    if case.kwargs.get("padding") != "same":
        raise NotApplicable("not padding='same'")
    top, bottom, left, right = _pads(case)
    return _student_loop(case, bias=_bias(case), pads=(bottom, top, right, left))


def _padded_one_side(case):
    top, bottom, left, right = _pads(case)
    return _student_loop(case, bias=_bias(case), pads=(0, top + bottom, 0, left + right))


def _no_string_padding(case):
    if isinstance(case.kwargs.get("padding"), str):
        raise ValueError("padding must be an int or a pair")  # the mistake: strings are rejected
    return _conv(case)


CONV_MISTAKES = [
    Misconception(
        "convolution.flipped_kernel",
        "your conv2d matches a *flipped* kernel: PyTorch's Conv2d is cross-correlation, "
        "not convolution (do not rotate the kernel by 180 degrees)",
        lambda c: F.conv2d(c.args[0], c.args[1].flip(-1, -2), c.args[2], **c.kwargs),
    ),
    Misconception(
        "convolution.bias_missing_add_bias_o",
        "the bias is missing: add bias[o] to every position of output channel o",
        lambda c: _conv(Case((c.args[0], c.args[1], None), c.kwargs)),
    ),
    Misconception(
        "convolution.bias_added_once_per_input",
        "the bias is added once per input channel (C_in times): add bias[o] once, after summing "
        "over the input channels",
        _bias_times_channels,
    ),
    Misconception(
        "convolution.every_output_channel_gets_bias",
        "every output channel gets bias[0]: output channel o gets bias[o]",
        _first_bias,
    ),
    Misconception(
        "convolution.bias_added_along_last_axis",
        "the bias is added along the last axis (out + bias broadcasts bias over the width): "
        "reshape it to bias.view(1, -1, 1, 1) so bias[o] goes to output channel o",
        _bias_along_width,
    ),
    Misconception(
        "convolution.stride_ignored_kernel_must_move",
        "the stride is ignored: the kernel must move `stride` cells between outputs",
        lambda c: _conv(c, stride=1),
    ),
    Misconception(
        "convolution.adjacent_windows_stride",
        "the output has the right size, but the windows are not `stride` cells apart: output (y, x) "
        "reads the input from row y*stride and column x*stride",
        _adjacent_windows,
    ),
    Misconception(
        "convolution.dilation_ignored_kernel_taps_dilation",
        "the dilation is ignored: kernel taps are `dilation` cells apart",
        lambda c: _conv(c, dilation=1),
    ),
    Misconception(
        "convolution.adjacent_taps_dilation",
        "the output has the right size, but the kernel taps read adjacent cells: with dilation d, "
        "tap (i, j) reads input[y*stride + i*d, x*stride + j*d]",
        _adjacent_taps,
    ),
    Misconception(
        "convolution.stride_padding_dilation_pairs_applied",
        "stride/padding/dilation pairs are applied to the wrong axes: the first entry is "
        "for the height (rows), the second for the width (columns)",
        _swapped,
    ),
    Misconception(
        "convolution.stride_pair_applied_wrong_axes",
        "the stride pair is applied to the wrong axes: stride[0] is the step along the height "
        "(rows), stride[1] along the width (columns)",
        lambda c: _swapped(c, ("stride",)),
    ),
    Misconception(
        "convolution.padding_same_odd_extra_row",
        "with padding='same', the odd extra row/column must go at the bottom/right, not at the top/left",
        _one_sided_same,
    ),
    Misconception(
        "convolution.zero_padding_added_one_side",
        "the zero padding is added on one side only (all of it at the bottom/right): the input "
        "goes in the middle, `padding` zeros above and below it, left and right of it",
        _padded_one_side,
    ),
    Misconception(
        "convolution.padding_may_also_string_valid",
        "padding may also be a string: 'valid' means no padding, 'same' pads dilation*(k-1) zeros "
        "per axis (the odd one at the bottom/right) so that the output keeps the input's size",
        _no_string_padding,
    ),
]
CONV_DTYPE_MISTAKES = [float32_result(_conv, "input")]


def _grown_input(case):
    """The failing case with an input 2 rows and 2 columns larger (its ``Companion``)."""
    x, weight, bias = case.args
    n, c, h, w = x.shape
    return Case((grown_values((n, c, h + 2, w + 2), x.dtype), weight, bias), case.kwargs)


CALLED_MISTAKES, CALLED_DTYPE_MISTAKES = SIGNATURE.mistakes(CONV_MISTAKES), SIGNATURE.mistakes(CONV_DTYPE_MISTAKES)
CONV_COMPANION = Companion(
    SIGNATURE.on_canonical(_grown_input), SIGNATURE.on_canonical(_conv), SIGNATURE.on_canonical(_conv_scale)
)


def verify_conv(ctx, case):
    """conv2d equals F.conv2d (groups=1, zero padding) for the drawn options, however they are passed."""
    SIGNATURE.check(
        ctx,
        case,
        lambda called: check_array_call(
            ctx,
            "conv2d",
            called,
            _conv(SIGNATURE.canonical(called)),
            scale=_conv_scale(SIGNATURE.canonical(called)),
            misconceptions=CALLED_MISTAKES,
            dtype_mistakes=CALLED_DTYPE_MISTAKES,
            companion=CONV_COMPANION,
            arg_names=CONV_ARGS,
        ),
    )


BAD_CONV = [  # inputs of at most 16 elements: printed in full in the feedback
    (lambda: Case((torch.ones(1, 4, 4), torch.ones(1, 1, 3, 3))), "for a 3-D input (no implicit batch dimension)"),
    (lambda: Case((torch.ones(1, 1, 4, 4), torch.ones(1, 3, 3))), "for a 3-D weight"),
    (
        lambda: Case((torch.ones(1, 2, 2, 2), torch.ones(1, 3, 2, 2))),
        "when input channels (2) and weight channels (3) differ",
    ),
    (
        lambda: Case((torch.ones(1, 1, 4, 4), torch.ones(2, 1, 2, 2), torch.ones(3))),
        "when bias has 3 entries for 2 output channels",
    ),
    (
        lambda: Case((torch.ones(1, 1, 3, 3), torch.ones(2, 1, 2, 2), torch.ones(2, 1))),
        "for a bias of shape (2, 1): it must be (C_out,) = (2,)",
    ),
    (lambda: Case((torch.ones(1, 1, 2, 2), torch.ones(1, 1, 3, 3))), "when the kernel does not fit in the input"),
    (
        lambda: Case((torch.ones(1, 1, 2, 2), torch.ones(1, 1, 1, 2)), {"dilation": (1, 2)}),
        "when the dilated kernel (2 taps 2 apart span 3 columns) does not fit in the input (2 columns)",
    ),
    (
        lambda: Case((torch.ones(1, 1, 2, 2), torch.ones(1, 1, 3, 5)), {"stride": 2, "padding": 1}),
        "when the 3x5 kernel does not fit in the padded 4x4 input (padding 1)",
    ),
    (
        lambda: Case((torch.ones(1, 1, 4, 4), torch.ones(1, 1, 3, 3)), {"stride": 2, "padding": "same"}),
        "for padding='same' with stride 2",
    ),
    (lambda: Case((torch.ones(1, 1, 4, 4), torch.ones(1, 1, 3, 3)), {"padding": "full"}), "for padding='full'"),
    (lambda: Case((torch.ones(1, 1, 4, 4), torch.ones(1, 1, 3, 3)), {"stride": 0}), "for stride 0"),
    (lambda: Case((torch.ones(1, 1, 4, 4), torch.ones(1, 1, 3, 3)), {"padding": -1}), "for negative padding"),
    (lambda: Case((torch.ones(1, 1, 4, 4), torch.ones(1, 1, 3, 3), None, (1, 0))), "for stride (1, 0)"),
    (
        lambda: Case((torch.ones(1, 1, 4, 4), torch.ones(1, 1, 3, 3)), {"padding": (0, -1), "stride": 2}),
        "for padding (0, -1)",
    ),
    (lambda: Case((torch.ones(1, 1, 4, 4), torch.ones(1, 1, 2, 2)), {"dilation": 0}), "for dilation 0"),
]


CHECKS = [
    Property(
        "conv2d_matches_reference",
        "conv2d matches F.conv2d (shapes, strides, paddings, dilations, dtypes)",
        "conv2d",
        8.0,
        strategy=conv_cases,
        verify=verify_conv,
        features=CONV_FEATURES,
    ),
    Property(
        "conv2d_same_padding",
        "conv2d with padding='same' matches F.conv2d, even kernels included",
        "conv2d",
        4.0,
        strategy=lambda enabled: conv_cases(enabled, same=True),
        verify=verify_conv,
        features=SAME_FEATURES,
    ),
    raises_value_error(
        "conv2d_errors",
        "conv2d raises ValueError for wrong ranks, shape mismatches and bad options",
        "conv2d",
        BAD_CONV,
        CONV_ARGS,
    ),
]
