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
)
from grader.checks.strategies import pairs, tensors
from grader.topics.arguments import Bad, argument_errors
from grader.topics.convolution.evidence import Signature, demands, drawn, grown_values, pair, unlike

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
    "defaults left out",
    "positional arguments",
    "inputs unchanged",
)
# 'same' padding's own features; the main property's (bias, dtype, channels, ...) are not charged twice
SAME_FEATURES = ("even kernel", "dilation", "non-square")


@st.composite
def conv_cases(draw, enabled: frozenset, same: bool = False):
    """conv2d arguments drawing only the ``enabled`` features, each drawn so that its own search exercises it.

    The core: one float32 square channel, a square kernel, bias None, stride 1, padding 0 (or 'same') and
    dilation 1, every option given by keyword. "bias" draws a different bias for each of 2 or 3 output
    channels (from 1 or 2 input channels); "stride", "padding", "dilation" draw ints other than the
    defaults; "pair arguments" draws stride, padding and dilation as pairs whose entries may differ;
    "defaults left out" leaves the options at their defaults out, "positional arguments" passes them by
    position; "inputs unchanged" demands that the inputs are left alone. In the search of all features
    together, each of the bias and the options draws its own value half the time.
    """
    on = enabled.__contains__
    dtype = torch.float64 if on("float64") else torch.float32
    n, c_in, c_out = 1, 1, 1
    if on("channels and batch"):
        n, c_in, c_out = draw(st.integers(1, 2)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    if on("bias"):
        c_in, c_out = max(c_in, draw(st.integers(1, 2))), max(c_out, draw(st.integers(2, 3)))
    square = not on("non-square")
    kh, kw = draw(pairs(1, 4, square))
    if same and not on("even kernel"):
        kh, kw = 2 * (kh // 2) + 1, 2 * (kw // 2) + 1

    def drawn_for(feature: str) -> bool:
        """The feature's own value is drawn: always in its own search, half the time in the search of all
        features together (which then also sees options at their defaults, left out, beside the others)."""
        return on(feature) and (len(enabled) == 1 or draw(st.booleans()))

    pairs_drawn = drawn_for("pair arguments")

    dilation = (2, 2) if drawn_for("dilation") else (1, 1)
    if pairs_drawn:
        dilation = draw(st.tuples(st.integers(1, 2), st.integers(1, 2)))
    if same:
        stride, padding = (1, 1), "same"
        lo = (1, 1)
    else:
        stride = (draw(st.integers(2, 3)),) * 2 if drawn_for("stride") else (1, 1)
        padding = (draw(st.integers(1, 2)),) * 2 if drawn_for("padding") else (0, 0)
        if pairs_drawn:
            stride = draw(st.tuples(st.integers(1, 3), st.integers(1, 3)))
            padding = draw(st.tuples(st.integers(0, 2), st.integers(0, 2)))
        if drawn_for("padding='valid'"):
            padding = "valid"
        pad = (0, 0) if padding == "valid" else padding
        lo = tuple(max(1, d * (k - 1) + 1 - 2 * p) for d, k, p in zip(dilation, (kh, kw), pad))
    h = draw(st.integers(lo[0], lo[0] + 6))
    w = draw(st.integers(lo[1], lo[1] + 6)) if not square else max(h, lo[1])
    h = max(h, w) if square else h
    x = draw(tensors((n, c_in, h, w), dtype))
    weight = draw(tensors((c_out, c_in, kh, kw), dtype).map(unlike))
    bias = draw(tensors((c_out,), dtype, unique=True)) if drawn_for("bias") else None

    def form(value):
        return value if isinstance(value, str) else (value if pairs_drawn else value[0])

    defaults = SIGNATURE.defaults
    options = {"stride": form(stride), "padding": form(padding), "dilation": form(dilation)}
    if on("defaults left out"):
        options = {k: v for k, v in options.items() if v != defaults[k] and v != (defaults[k],) * 2}
        case = Case((x, weight), options) if bias is None else Case((x, weight, bias), options)
    else:
        case = Case((x, weight), {"bias": bias, **options})
    return drawn(SIGNATURE.positional(case) if drawn_for("positional arguments") else case, enabled)


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
            check_inputs=demands(case, "inputs unchanged"),
        ),
    )


def _bad(why: str, part: str, names, x_shape, weight_shape, bias_shape=None, **options) -> Bad:
    """An invalid call of conv2d on inputs of ones, every option given by keyword (the signature is checked
    apart); inputs of at most 16 elements, printed in full in the feedback."""

    def make():
        bias = None if bias_shape is None else torch.ones(bias_shape)
        return SIGNATURE.spelled_out(Case((torch.ones(x_shape), torch.ones(weight_shape), bias), options))

    return Bad(make, why, part, names)


FITS = ("kernel", "weight", "input")  # the words of a message about a kernel that does not fit
BAD_CONV = [
    _bad("for a 3-D input (no implicit batch dimension)", "4-D input and weight", ("input",), (1, 4, 4), (1, 1, 3, 3)),
    _bad("for a 3-D weight", "4-D input and weight", ("weight",), (1, 1, 4, 4), (1, 3, 3)),
    _bad(
        "when input channels (2) and weight channels (3) differ",
        "channels match",
        ("weight", "input", "channels"),
        (1, 2, 2, 2),
        (1, 3, 2, 2),
    ),
    _bad("when bias has 3 entries for 2 output channels", "bias (C_out,)", ("bias",), (1, 1, 4, 4), (2, 1, 2, 2), (3,)),
    _bad(
        "for a bias of shape (2, 1): it must be (C_out,) = (2,)",
        "bias (C_out,)",
        ("bias",),
        (1, 1, 3, 3),
        (2, 1, 2, 2),
        (2, 1),
    ),
    _bad("when the kernel does not fit in the input", "kernel fits", FITS, (1, 1, 2, 2), (1, 1, 3, 3)),
    _bad(
        "when the dilated kernel (2 taps 2 apart span 3 columns) does not fit in the input (2 columns)",
        "kernel fits",
        FITS + ("dilation",),
        (1, 1, 2, 2),
        (1, 1, 1, 2),
        dilation=(1, 2),
    ),
    _bad(
        "when the 3x5 kernel does not fit in the padded 4x4 input (padding 1)",
        "kernel fits",
        FITS + ("padding",),
        (1, 1, 2, 2),
        (1, 1, 3, 5),
        stride=2,
        padding=1,
    ),
    _bad(
        "for padding='same' with stride 2",
        "'same' needs stride 1",
        ("stride", "padding", "same"),
        (1, 1, 4, 4),
        (1, 1, 3, 3),
        stride=2,
        padding="same",
    ),
    _bad("for padding='full'", "padding strings", ("padding",), (1, 1, 4, 4), (1, 1, 3, 3), padding="full"),
    _bad("for stride 0", "stride >= 1", ("stride",), (1, 1, 4, 4), (1, 1, 3, 3), stride=0),
    _bad("for stride (1, 0)", "stride >= 1", ("stride",), (1, 1, 4, 4), (1, 1, 3, 3), stride=(1, 0)),
    _bad("for negative padding", "padding >= 0", ("padding",), (1, 1, 4, 4), (1, 1, 3, 3), padding=-1),
    _bad("for padding (0, -1)", "padding >= 0", ("padding",), (1, 1, 4, 4), (1, 1, 3, 3), padding=(0, -1), stride=2),
    _bad("for dilation 0", "dilation >= 1", ("dilation",), (1, 1, 4, 4), (1, 1, 2, 2), dilation=0),
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
    argument_errors(
        "conv2d_errors",
        "conv2d raises ValueError for wrong ranks, shape mismatches and bad options",
        "conv2d",
        BAD_CONV,
        CONV_ARGS,
    ),
]
