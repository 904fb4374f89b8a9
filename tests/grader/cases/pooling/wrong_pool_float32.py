"""Pooling loops that collect the results in `torch.zeros(N, C, H_out, W_out)`: float32 whatever the
input's dtype, so a float64 or an integer input gives a float32 result: the float64 and integer shares of
both main tests are lost.

expect-fail: max_pool2d_matches_reference, avg_pool2d_matches_reference
expect-feedback: the result is float32 whatever the inputs' dtype
expect-credit: max_pool2d_matches_reference = 0.738
expect-credit: avg_pool2d_matches_reference = 0.738
"""
import torch

_checked = {"max": max_pool2d, "avg": avg_pool2d}  # the reference, for its argument checks only


def _two(v):
    return (v, v) if isinstance(v, int) else (int(v[0]), int(v[1]))


def _pool(input, kernel_size, stride, padding, kind):
    _checked[kind](input, kernel_size, stride, padding)  # raises the ValueErrors
    kh, kw = _two(kernel_size)
    sh, sw = (kh, kw) if stride is None else _two(stride)
    ph, pw = _two(padding)
    n, c, h, w = input.shape
    padded = input.new_full((n, c, h + 2 * ph, w + 2 * pw), (float("-inf") if input.is_floating_point() else torch.iinfo(input.dtype).min) if kind == "max" else 0)
    padded[:, :, ph:ph + h, pw:pw + w] = input
    out = torch.zeros(n, c, (h + 2 * ph - kh) // sh + 1, (w + 2 * pw - kw) // sw + 1)
    for y in range(out.shape[2]):
        for x in range(out.shape[3]):
            window = padded[:, :, y * sh:y * sh + kh, x * sw:x * sw + kw]
            out[:, :, y, x] = window.amax(dim=(2, 3)) if kind == "max" else window.sum(dim=(2, 3)) / (kh * kw)
    return out


def max_pool2d(input, kernel_size, stride=None, padding=0):
    return _pool(input, kernel_size, stride, padding, "max")


def avg_pool2d(input, kernel_size, stride=None, padding=0):
    return _pool(input, kernel_size, stride, padding, "avg")
