"""The output size uses the dilation, but the kernel taps read adjacent cells (the slice step is missing).
The dilation and pair-arguments shares of the main test and the dilation share of 'same' are lost.

expect-fail: conv2d_matches_reference, conv2d_same_padding
expect-feedback: read adjacent cells
expect-credit: conv2d_matches_reference = 0.733
expect-credit: conv2d_same_padding = 0.667
"""
import torch


def _two(value):
    """(a, b) from an int a or a pair (a, b)."""
    if isinstance(value, int):
        return value, value
    return int(value[0]), int(value[1])


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1):
    if input.dim() != 4 or weight.dim() != 4:
        raise ValueError("input and weight must be 4-D")
    N, C, H, W = input.shape
    F, C2, KH, KW = weight.shape
    if C2 != C:
        raise ValueError(f"weight has {C2} input channels, input has {C}")
    if bias is not None and tuple(bias.shape) != (F,):
        raise ValueError(f"bias must have shape ({F},)")
    sh, sw = _two(stride)
    dh, dw = _two(dilation)
    if padding == "valid":
        pt = pb = pl = pr = 0
    elif padding == "same":
        if (sh, sw) != (1, 1):
            raise ValueError("padding='same' needs stride 1")
        th, tw = dh * (KH - 1), dw * (KW - 1)
        pt, pl = th // 2, tw // 2
        pb, pr = th - pt, tw - pl
    elif isinstance(padding, str):
        raise ValueError(f"unknown padding {padding!r}")
    else:
        pt, pl = _two(padding)
        pb, pr = pt, pl
    if min(sh, sw, dh, dw) < 1 or min(pt, pl) < 0:
        raise ValueError("stride and dilation must be >= 1, padding >= 0")
    xp = torch.zeros(N, C, H + pt + pb, W + pl + pr, dtype=input.dtype)
    xp[:, :, pt:pt + H, pl:pl + W] = input
    OH = (H + pt + pb - dh * (KH - 1) - 1) // sh + 1
    OW = (W + pl + pr - dw * (KW - 1) - 1) // sw + 1
    if OH < 1 or OW < 1:
        raise ValueError("the kernel does not fit into the padded input")
    out = torch.zeros(N, F, OH, OW, dtype=input.dtype)
    for y in range(OH):
        for x in range(OW):
            patch = xp[:, :, y * sh:y * sh + KH, x * sw:x * sw + KW]
            out[:, :, y, x] = torch.einsum("nchw,fchw->nf", patch, weight)
    if bias is not None:
        out += bias.view(1, -1, 1, 1)
    return out
