"""Correct pooling written as a loop over output positions with a reduction per window.

The windows are clipped to the real input instead of padding it, which is
the same as -inf padding for max and zero padding (divisor kh * kw) for avg.
"""
import torch


def _as_pair(value, what):
    if isinstance(value, int):
        return value, value
    if isinstance(value, (tuple, list)) and len(value) == 2:
        return int(value[0]), int(value[1])
    raise ValueError(f"bad {what}: {value}")


def _setup(input, kernel_size, stride, padding):
    if input.ndim != 4:
        raise ValueError("expected a 4-D input of shape (N, C, H, W)")
    kh, kw = _as_pair(kernel_size, "kernel_size")
    sh, sw = (kh, kw) if stride is None else _as_pair(stride, "stride")
    ph, pw = _as_pair(padding, "padding")
    if min(kh, kw, sh, sw) <= 0:
        raise ValueError("kernel_size and stride must be positive")
    if min(ph, pw) < 0 or 2 * ph > kh or 2 * pw > kw:
        raise ValueError("padding should be between 0 and half of the kernel size")
    H, W = input.shape[2], input.shape[3]
    oh = (H + 2 * ph - kh) // sh + 1
    ow = (W + 2 * pw - kw) // sw + 1
    if oh <= 0 or ow <= 0:
        raise ValueError("the window does not fit into the padded input")
    return kh, kw, sh, sw, ph, pw, oh, ow


def max_pool2d(input, kernel_size, stride=None, padding=0):
    kh, kw, sh, sw, ph, pw, oh, ow = _setup(input, kernel_size, stride, padding)
    H, W = input.shape[2], input.shape[3]
    out = torch.empty(input.shape[0], input.shape[1], oh, ow, dtype=input.dtype)
    for y in range(oh):
        for x in range(ow):
            top, left = y * sh - ph, x * sw - pw
            r0, r1 = max(top, 0), min(top + kh, H)
            c0, c1 = max(left, 0), min(left + kw, W)
            out[:, :, y, x] = input[:, :, r0:r1, c0:c1].amax(dim=(2, 3))
    return out


def avg_pool2d(input, kernel_size, stride=None, padding=0):
    kh, kw, sh, sw, ph, pw, oh, ow = _setup(input, kernel_size, stride, padding)
    H, W = input.shape[2], input.shape[3]
    out = torch.empty(input.shape[0], input.shape[1], oh, ow, dtype=input.dtype)
    for y in range(oh):
        for x in range(ow):
            top, left = y * sh - ph, x * sw - pw
            r0, r1 = max(top, 0), min(top + kh, H)
            c0, c1 = max(left, 0), min(left + kw, W)
            out[:, :, y, x] = input[:, :, r0:r1, c0:c1].sum(dim=(2, 3)) / (kh * kw)
    return out
