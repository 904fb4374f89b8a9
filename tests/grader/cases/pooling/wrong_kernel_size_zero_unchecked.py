"""Pooling that never checks that kernel_size is positive. kernel_size=0 alone still raises ValueError
(the default stride is the kernel size, and the stride is checked), but kernel_size=(2, 0) with stride=1
returns None (no window cell to loop over).
The kernel_size requirement and the messages' share are lost (kernel_size=0 is caught by the stride
check, whose message names the stride).

expect-fail: max_pool2d_errors, avg_pool2d_errors
expect-feedback: for kernel_size=(2, 0) with stride=1
expect-credit: max_pool2d_errors = 0.667
expect-credit: avg_pool2d_errors = 0.667
"""
import torch


def _pair(v):
    return (v, v) if isinstance(v, int) else (int(v[0]), int(v[1]))


def _pool(input, kernel_size, stride, padding, kind):
    if input.dim() != 4:
        raise ValueError("input must be 4-D (N, C, H, W)")
    kh, kw = _pair(kernel_size)
    sh, sw = (kh, kw) if stride is None else _pair(stride)
    ph, pw = _pair(padding)
    if min(sh, sw) < 1:
        raise ValueError("stride must be positive")
    if min(ph, pw) < 0:
        raise ValueError("padding must not be negative")
    if ph > kh // 2 or pw > kw // 2:
        raise ValueError("padding must be at most kernel_size // 2")
    n, c, h, w = input.shape
    oh, ow = (h + 2 * ph - kh) // sh + 1, (w + 2 * pw - kw) // sw + 1
    if oh < 1 or ow < 1:
        raise ValueError("the window does not fit into the padded input")
    padded = input.new_full((n, c, h + 2 * ph, w + 2 * pw), (float("-inf") if input.is_floating_point() else torch.iinfo(input.dtype).min) if kind == "max" else 0)
    padded[:, :, ph:ph + h, pw:pw + w] = input
    out = None
    for i in range(kh):
        for j in range(kw):
            tap = padded[:, :, i:i + sh * (oh - 1) + 1:sh, j:j + sw * (ow - 1) + 1:sw]
            out = tap if out is None else torch.maximum(out, tap) if kind == "max" else out + tap
    if kind == "max":
        return out
    return out / (kh * kw) if input.is_floating_point() else torch.div(out, kh * kw, rounding_mode="trunc")


def max_pool2d(input, kernel_size, stride=None, padding=0):
    return _pool(input, kernel_size, stride, padding, "max")


def avg_pool2d(input, kernel_size, stride=None, padding=0):
    return _pool(input, kernel_size, stride, padding, "avg")
