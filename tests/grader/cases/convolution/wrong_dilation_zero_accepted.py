"""conv2d that checks the stride and the padding but not the dilation: with dilation 0 every kernel tap reads
the same cell, and a value comes back instead of a ValueError.
One requirement of the error check is lost (judged: a missed check costs that check, not the test).

expect-fail: conv2d_errors
expect-feedback: for dilation 0
expect-credit: conv2d_errors = 0.911
"""
import torch


def _two(v):
    return (v, v) if isinstance(v, int) else (int(v[0]), int(v[1]))


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1):
    if input.dim() != 4 or weight.dim() != 4:
        raise ValueError("input and weight must be 4-D")
    n, c_in, h, w = input.shape
    c_out, c_w, kh, kw = weight.shape
    if c_w != c_in:
        raise ValueError(f"weight expects {c_w} input channels, input has {c_in}")
    if bias is not None and tuple(bias.shape) != (c_out,):
        raise ValueError(f"bias must have shape ({c_out},)")
    (sh, sw), (dh, dw) = _two(stride), _two(dilation)
    if min(sh, sw) < 1:
        raise ValueError("stride must be positive")
    if padding == "valid":
        top = bottom = left = right = 0
    elif padding == "same":
        if (sh, sw) != (1, 1):
            raise ValueError("padding='same' needs stride 1")
        top, left = dh * (kh - 1) // 2, dw * (kw - 1) // 2
        bottom, right = dh * (kh - 1) - top, dw * (kw - 1) - left
    elif isinstance(padding, str):
        raise ValueError(f"padding must be an int, a pair, 'valid' or 'same', not {padding!r}")
    else:
        (top, left) = (bottom, right) = _two(padding)
        if min(top, left) < 0:
            raise ValueError("padding must not be negative")
    oh = (h + top + bottom - dh * (kh - 1) - 1) // sh + 1
    ow = (w + left + right - dw * (kw - 1) - 1) // sw + 1
    if oh < 1 or ow < 1:
        raise ValueError("the kernel does not fit into the padded input")
    padded = input.new_zeros((n, c_in, h + top + bottom, w + left + right))
    padded[:, :, top:top + h, left:left + w] = input
    out = input.new_zeros((n, c_out, oh, ow))
    for i in range(kh):
        for j in range(kw):
            tap = padded[:, :, i * dh:i * dh + sh * (oh - 1) + 1:sh, j * dw:j * dw + sw * (ow - 1) + 1:sw]
            out = out + torch.einsum("nchw,oc->nohw", tap, weight[:, :, i, j])
    return out if bias is None else out + bias.view(1, -1, 1, 1)
