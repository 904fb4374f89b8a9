"""Hidden tests for ``convolution``: output sizes, correlate2d, conv2d against F.conv2d."""
from __future__ import annotations

import torch
import torch.nn.functional as F
from hypothesis import strategies as st

from grader.checks import (Case, Failure, Misconception, NotApplicable, Property, check_array_call, outcome_value,
                           raises_value_error)
from grader.forbidden import Rule
from grader.strategies import DTYPES, int_or_pair, pairs, tensors

POINTS = 20

CONVOLUTION_RULES = [
    Rule("a built-in convolution (F.conv2d, torch.conv2d, nn.Conv2d or an aten convolution op)",
         runtime=r"^(fn:(conv\d?d|convolution|_convolution|conv_transpose\dd|conv_tbc)|aten:(_?convolution|conv|cudnn_conv|mkldnn_conv|_slow_conv|slow_conv|thnn_conv|_nnpack|miopen_conv))",
         static=r"(^|\.)(conv[123]d|convolution|_convolution|Conv[123]d|conv_transpose[123]d|conv_tbc)$"),
    Rule("unfold/im2col (F.unfold, nn.Unfold, Tensor.unfold)",
         runtime=r"^(fn:(unfold|im2col)|aten:(im2col|unfold))$",
         static=r"(^|\.)(unfold|Unfold|im2col)$"),
    Rule("cv2.filter2D", runtime=r"^cv2:", static=r"(^|\.)(filter2D|sepFilter2D|Sobel)$"),
    Rule("scipy.signal / scipy.ndimage", runtime=r"^scipy\.", static=r"^scipy\.(signal|ndimage)"),
    Rule("np.convolve / np.correlate", runtime=r"^numpy:", static=r"^(np|numpy)\.(convolve|correlate)$"),
]
BY_LOOPS = {"correlate2d": CONVOLUTION_RULES, "conv2d": CONVOLUTION_RULES}

SIZE_ARGS = ("n", "kernel_size", "stride", "padding", "dilation")
CONV_ARGS = ("input", "weight", "bias", "stride", "padding", "dilation")


# ------------------------------------------------------------------ conv_output_size

@st.composite
def size_cases(draw):
    k, s, d = draw(st.integers(1, 7)), draw(st.integers(1, 4)), draw(st.integers(1, 3))
    p = draw(st.integers(0, 3))
    span = d * (k - 1) + 1
    n = draw(st.integers(max(1, span - 2 * p), span - 2 * p + 40))
    return Case((n, k), {"stride": s, "padding": p, "dilation": d})


def _size(n, k, stride=1, padding=0, dilation=1):
    return (n + 2 * padding - dilation * (k - 1) - 1) // stride + 1


SIZE_MISTAKES = [
    ("it ignores dilation: a dilated kernel spans dilation*(kernel_size-1)+1 cells",
     lambda n, k, s, p, d: (n + 2 * p - (k - 1) - 1) // s + 1),
    ("it pads only one side: padding is added on both sides (2*padding)",
     lambda n, k, s, p, d: (n + p - d * (k - 1) - 1) // s + 1),
    ("it rounds up: the formula uses floor, not ceil",
     lambda n, k, s, p, d: -((-(n + 2 * p - d * (k - 1) - 1)) // s) + 1),
    ("it forgets the +1 (the first position of the kernel counts too)",
     lambda n, k, s, p, d: (n + 2 * p - d * (k - 1) - 1) // s),
    ("it ignores the stride", lambda n, k, s, p, d: n + 2 * p - d * (k - 1)),
]


def verify_size(ctx, case):
    expected = _size(*case.args, **case.kwargs)
    value = outcome_value(ctx.call("conv_output_size", case), "conv_output_size")
    if type(value) is not int or value != expected:
        shown = value if isinstance(value, (int, float)) else f"a {type(value).__name__}"
        text = f"`conv_output_size` returned {shown}; expected the int {expected}.\n    Input: {case.describe(SIZE_ARGS)}"
        n, k = case.args
        args = (n, k, case.kwargs["stride"], case.kwargs["padding"], case.kwargs["dilation"])
        for explanation, mistake in SIZE_MISTAKES:
            if mistake(*args) == value:
                text += f"\n    Likely mistake: {explanation}"
                break
        raise Failure(text)


BAD_SIZES = [
    (Case((0, 3)), "for n = 0"), (Case((-4, 3)), "for a negative n"), (Case((5, 0)), "for kernel_size = 0"),
    (Case((5, 3), {"stride": 0}), "for stride = 0"), (Case((5, 3), {"padding": -1}), "for negative padding"),
    (Case((5, 3), {"dilation": 0}), "for dilation = 0"), (Case((3, 5)), "when the kernel does not fit (result below 1)"),
    (Case((4, 3), {"dilation": 2}), "when the dilated kernel does not fit"),
]


# ------------------------------------------------------------------ correlate2d

@st.composite
def correlate_cases(draw):
    dtype = draw(DTYPES)
    kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    h, w = draw(st.integers(kh, kh + 6)), draw(st.integers(kw, kw + 6))
    return Case((draw(tensors((h, w), dtype)), draw(tensors((kh, kw), dtype))))


def _correlate(image, kernel):
    return F.conv2d(image[None, None], kernel[None, None])[0, 0]


def verify_correlate(ctx, case):
    image, kernel = case.args
    expected = _correlate(image, kernel)
    scale = _correlate(image.abs(), kernel.abs())
    check_array_call(ctx, "correlate2d", case, expected, scale=scale, arg_names=("image", "kernel"),
                     misconceptions=[
                         Misconception("it flips the kernel (true convolution); PyTorch's Conv2d and this "
                                       "exercise use cross-correlation: image[y+i, x+j] * kernel[i, j], no flip",
                                       lambda c: _correlate(c.args[0], c.args[1].flip(0, 1))),
                         Misconception("it swaps the roles of rows and columns (transposed kernel)",
                                       lambda c: _correlate(c.args[0], c.args[1].T)),
                     ])


BAD_CORRELATE = [
    (lambda: Case((torch.ones(1, 4, 4), torch.ones(3, 3))), "for a 3-D image"),
    (lambda: Case((torch.ones(4, 4), torch.ones(3))), "for a 1-D kernel"),
    (lambda: Case((torch.ones(3, 5), torch.ones(4, 2))), "when the kernel is taller than the image"),
    (lambda: Case((torch.ones(5, 3), torch.ones(2, 4))), "when the kernel is wider than the image"),
]


# ------------------------------------------------------------------ conv2d

CONV_FEATURES = ("bias", "stride", "padding", "padding='valid'", "dilation", "pair arguments", "non-square",
                 "float64", "channels and batch")
SAME_FEATURES = ("even kernel", "bias", "dilation", "pair arguments", "non-square", "float64", "channels and batch")


@st.composite
def conv_cases(draw, enabled: frozenset, same: bool = False):
    """conv2d arguments drawing only the ``enabled`` features; the core is one float32 square
    channel, a square kernel, no bias, and stride, padding and dilation left at their defaults."""
    on = enabled.__contains__
    dtype = draw(DTYPES) if on("float64") else torch.float32
    n, c_in, c_out = (draw(st.integers(1, 2)), draw(st.integers(1, 3)), draw(st.integers(1, 3))) \
        if on("channels and batch") else (1, 1, 1)
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
        paddings = ([pairs(0, 2, equal_args)] if on("padding") else []) + \
            ([st.just("valid")] if on("padding='valid'") else [])
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
        kwargs["padding"] = padding if isinstance(padding, str) else draw(pair_form(padding[0] if equal_args else padding))
    if dilation != (1, 1) or draw(st.booleans()):
        kwargs["dilation"] = draw(pair_form(dilation[0] if equal_args else dilation))
    return Case((x, weight, bias), kwargs)


def _conv(case, **override):
    x, weight, bias = case.args
    kwargs = dict(case.kwargs, **override)
    return F.conv2d(x, weight, bias, **kwargs)


def _conv_scale(case):
    x, weight, bias = case.args
    scale = F.conv2d(x.abs(), weight.abs(), None, **case.kwargs)
    return scale if bias is None else scale + bias.abs()[None, :, None, None]


def _swap(v):
    return v[::-1] if isinstance(v, tuple) else v


def _one_sided_same(case):
    x, weight, bias = case.args
    dilation = case.kwargs.get("dilation", 1)
    dh, dw = dilation if isinstance(dilation, tuple) else (dilation, dilation)
    th, tw = dh * (weight.shape[2] - 1), dw * (weight.shape[3] - 1)
    padded = F.pad(x, (tw - tw // 2, tw // 2, th - th // 2, th // 2))  # extra on top/left
    return F.conv2d(padded, weight, bias, dilation=dilation)


def _padded_one_side(case):
    x, weight, bias = case.args
    padding = case.kwargs.get("padding", 0)
    if isinstance(padding, str):
        raise NotApplicable
    ph, pw = padding if isinstance(padding, tuple) else (padding, padding)
    return F.conv2d(F.pad(x, (0, 2 * pw, 0, 2 * ph)), weight, bias, stride=case.kwargs.get("stride", 1),
                    dilation=case.kwargs.get("dilation", 1))


CONV_MISTAKES = [
    Misconception("your conv2d matches a *flipped* kernel: PyTorch's Conv2d is cross-correlation, "
                  "not convolution (do not rotate the kernel by 180 degrees)",
                  lambda c: F.conv2d(c.args[0], c.args[1].flip(-1, -2), c.args[2], **c.kwargs)),
    Misconception("the bias is missing: add bias[o] to every position of output channel o",
                  lambda c: _conv(Case((c.args[0], c.args[1], None), c.kwargs))),
    Misconception("the stride is ignored: the kernel must move `stride` cells between outputs",
                  lambda c: _conv(c, stride=1)),
    Misconception("the dilation is ignored: kernel taps are `dilation` cells apart",
                  lambda c: _conv(c, dilation=1)),
    Misconception("stride/padding/dilation pairs are applied to the wrong axes: the first entry is "
                  "for the height (rows), the second for the width (columns)",
                  lambda c: _conv(c, **{k: _swap(v) for k, v in c.kwargs.items()})),
    Misconception("with padding='same', the odd extra row/column must go at the bottom/right, "
                  "not at the top/left", _one_sided_same),
    Misconception("the zero padding is added on one side only (bottom/right); pad every side by `padding`",
                  _padded_one_side),
]


def verify_conv(ctx, case):
    check_array_call(ctx, "conv2d", case, _conv(case), scale=_conv_scale(case),
                     misconceptions=CONV_MISTAKES, arg_names=CONV_ARGS)


BAD_CONV = [
    (lambda: Case((torch.ones(1, 5, 5), torch.ones(1, 1, 3, 3))), "for a 3-D input (no implicit batch dimension)"),
    (lambda: Case((torch.ones(1, 1, 5, 5), torch.ones(1, 3, 3))), "for a 3-D weight"),
    (lambda: Case((torch.ones(1, 2, 5, 5), torch.ones(1, 3, 3, 3))), "when input channels (2) and weight channels (3) differ"),
    (lambda: Case((torch.ones(1, 1, 5, 5), torch.ones(2, 1, 3, 3), torch.ones(3))), "when bias has 3 entries for 2 output channels"),
    (lambda: Case((torch.ones(1, 1, 2, 2), torch.ones(1, 1, 3, 3))), "when the kernel does not fit in the input"),
    (lambda: Case((torch.ones(1, 1, 5, 5), torch.ones(1, 1, 3, 3)), {"stride": 2, "padding": "same"}), "for padding='same' with stride 2"),
    (lambda: Case((torch.ones(1, 1, 5, 5), torch.ones(1, 1, 3, 3)), {"padding": "full"}), "for padding='full'"),
    (lambda: Case((torch.ones(1, 1, 5, 5), torch.ones(1, 1, 3, 3)), {"stride": 0}), "for stride 0"),
    (lambda: Case((torch.ones(1, 1, 5, 5), torch.ones(1, 1, 3, 3)), {"padding": -1}), "for negative padding"),
]


CHECKS = [
    Property("conv_output_size_formula", "conv_output_size matches nn.Conv2d's output size",
             "conv_output_size", 2.0, strategy=size_cases(), verify=verify_size, array_valued=False),
    raises_value_error("conv_output_size_errors", "conv_output_size raises ValueError for invalid arguments",
                       "conv_output_size", [(lambda c=c: c, why) for c, why in BAD_SIZES], SIZE_ARGS),
    Property("correlate2d_matches_reference", "correlate2d matches valid cross-correlation (F.conv2d)",
             "correlate2d", 3.0, strategy=correlate_cases(), verify=verify_correlate),
    raises_value_error("correlate2d_errors", "correlate2d raises ValueError for non-2-D inputs and oversized kernels",
                       "correlate2d", BAD_CORRELATE, ("image", "kernel")),
    Property("conv2d_matches_reference", "conv2d matches F.conv2d (shapes, strides, paddings, dilations, dtypes)",
             "conv2d", 7.0, strategy=conv_cases, verify=verify_conv, features=CONV_FEATURES),
    Property("conv2d_same_padding", "conv2d with padding='same' matches F.conv2d, even kernels included",
             "conv2d", 3.0, strategy=lambda enabled: conv_cases(enabled, same=True), verify=verify_conv,
             features=SAME_FEATURES),
    raises_value_error("conv2d_errors", "conv2d raises ValueError for wrong ranks, shape mismatches and bad options",
                       "conv2d", BAD_CONV, CONV_ARGS),
]
