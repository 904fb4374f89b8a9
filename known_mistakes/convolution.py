"""Known mistakes of convolution.py."""

from torch.nn.functional import conv2d as _conv  # bound now: a test may replace F.conv2d while it runs

from known_mistakes import Known, NotApplicable


def _pair(value):
    return (value, value) if isinstance(value, int) else tuple(value)


def _with_bias(change):
    """A bias mistake: ``change(bias, c_in)`` is the bias it adds per output channel."""

    def predict(input, weight, bias=None, **options):
        if bias is None:
            raise NotApplicable("no bias")
        return _conv(input, weight, change(bias, weight.shape[1]), **options)

    return predict


def _without(name, neutral):
    def predict(input, weight, bias=None, **options):
        if options.get(name, neutral) in (neutral, (neutral, neutral)):
            raise NotApplicable(f"{name} {neutral}")
        return _conv(input, weight, bias, **{**options, name: neutral})

    return predict


def _swapped_pairs(input, weight, bias=None, **options):
    swapped = {k: _pair(v)[::-1] for k, v in options.items() if not isinstance(v, str)}
    if all(v[0] == v[1] for v in swapped.values()):
        raise NotApplicable("no pair with two different entries")
    return _conv(input, weight, bias, **{**options, **swapped})


def _size(formula):
    def predict(n, kernel_size, stride=1, padding=0, dilation=1):
        return formula(n, kernel_size, stride, padding, dilation)

    return predict


def _true_division(n, k, s, p, d):
    top = n + 2 * p - d * (k - 1) - 1
    if top % s == 0:
        raise NotApplicable("/ and // agree")
    return top / s + 1


def _transposed(image, kernel):
    if kernel.shape[0] != kernel.shape[1]:
        raise NotApplicable("a non-square kernel indexed as kernel[j, i] crashes or reads other cells")
    return _conv(image[None, None], kernel.T[None, None])[0, 0]


MISTAKES = [
    Known(
        "convolution.flipped_kernel",
        "conv2d",
        "your conv2d matches a *flipped* kernel: PyTorch's Conv2d is cross-correlation, "
        "not convolution (do not rotate the kernel by 180 degrees)",
        lambda input, weight, bias=None, **options: _conv(input, weight.flip(-1, -2), bias, **options),
    ),
    Known(
        "convolution.bias_missing_add_bias_o",
        "conv2d",
        "the bias is missing: add bias[o] to every position of output channel o",
        _with_bias(lambda bias, c_in: None),
    ),
    Known(
        "convolution.bias_added_once_per_input",
        "conv2d",
        "the bias is added once per input channel (C_in times): add bias[o] once, after summing "
        "over the input channels",
        _with_bias(lambda bias, c_in: bias * c_in),
    ),
    Known(
        "convolution.every_output_channel_gets_bias",
        "conv2d",
        "every output channel gets bias[0]: output channel o gets bias[o]",
        _with_bias(lambda bias, c_in: bias[:1].expand(len(bias))),
    ),
    Known(
        "convolution.stride_ignored_kernel_must_move",
        "conv2d",
        "the stride is ignored: the kernel must move `stride` cells between outputs",
        _without("stride", 1),
    ),
    Known(
        "convolution.dilation_ignored_kernel_taps_dilation",
        "conv2d",
        "the dilation is ignored: kernel taps are `dilation` cells apart",
        _without("dilation", 1),
    ),
    Known(
        "convolution.stride_padding_dilation_pairs_applied",
        "conv2d",
        "stride/padding/dilation pairs are applied to the wrong axes: the first entry is "
        "for the height (rows), the second for the width (columns)",
        _swapped_pairs,
    ),
    Known(
        "convolution.flips_kernel_true_convolution_pytorchs",
        "correlate2d",
        "it flips the kernel (true convolution); PyTorch's Conv2d and this exercise use "
        "cross-correlation: image[y+i, x+j] * kernel[i, j], no flip",
        lambda image, kernel: _conv(image[None, None], kernel.flip(0, 1)[None, None])[0, 0],
    ),
    Known(
        "convolution.swaps_roles_rows_columns_kernel",
        "correlate2d",
        "it swaps the roles of rows and columns of the kernel (kernel[j, i] where kernel[i, j] belongs)",
        _transposed,
    ),
    Known(
        "convolution.ignores_dilation_dilated_kernel_spans",
        "conv_output_size",
        "it ignores dilation: a dilated kernel spans dilation*(kernel_size-1)+1 cells",
        _size(lambda n, k, s, p, d: (n + 2 * p - (k - 1) - 1) // s + 1),
    ),
    Known(
        "convolution.pads_only_one_side_padding",
        "conv_output_size",
        "it pads only one side: padding is added on both sides (2*padding)",
        _size(lambda n, k, s, p, d: (n + p - d * (k - 1) - 1) // s + 1),
    ),
    Known(
        "convolution.rounds_up_formula_uses_floor",
        "conv_output_size",
        "it rounds up: the formula uses floor, not ceil",
        _size(lambda n, k, s, p, d: -((-(n + 2 * p - d * (k - 1) - 1)) // s) + 1),
    ),
    Known(
        "convolution.forgets_1_first_position_kernel",
        "conv_output_size",
        "it forgets the +1 (the first position of the kernel counts too)",
        _size(lambda n, k, s, p, d: (n + 2 * p - d * (k - 1) - 1) // s),
    ),
    Known(
        "convolution.ignores_stride_kernel_moves_stride",
        "conv_output_size",
        "it ignores the stride: the kernel moves `stride` cells at a time, so divide by the stride "
        "(floor division //) before adding 1",
        _size(lambda n, k, s, p, d: n + 2 * p - d * (k - 1)),
    ),
    Known(
        "convolution.divides_float_2_5_positions",
        "conv_output_size",
        "it divides with / (a float, 2.5 positions): use floor division //, which drops the last "
        "partial step and keeps the result an int",
        _size(_true_division),
    ),
]
