"""conv2d by im2col: F.unfold cuts the padded input into columns, one matrix product does the rest. Right
values, but unfold is forbidden here: zero for every conv2d check.

expect-fail: conv2d_matches_reference, conv2d_same_padding, conv2d_errors
expect-feedback: forbidden built-in
expect-credit: conv2d_matches_reference = 0.0
expect-credit: conv2d_same_padding = 0.0
expect-credit: conv2d_errors = 0.0
"""
import torch.nn.functional as F

_checked_conv2d = conv2d  # the reference, for its argument checks only


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1):
    _checked_conv2d(input, weight, bias, stride, padding, dilation)
    kh, kw = weight.shape[2:]
    dh, dw = (dilation, dilation) if isinstance(dilation, int) else dilation
    if padding == "same":
        th, tw = dh * (kh - 1), dw * (kw - 1)
        input, padding = F.pad(input, (tw // 2, tw - tw // 2, th // 2, th - th // 2)), 0
    elif padding == "valid":
        padding = 0
    columns = F.unfold(input, (kh, kw), dilation=dilation, padding=padding, stride=stride)
    out = weight.reshape(weight.shape[0], -1) @ columns
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    oh = (input.shape[2] + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    out = out.reshape(input.shape[0], weight.shape[0], oh, -1)
    return out if bias is None else out + bias.view(1, -1, 1, 1)
