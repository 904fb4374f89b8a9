"""The padding goes on one side only: 2 * padding rows/columns at the bottom/right.
The padding and pair-arguments shares of both main tests are lost, and the -inf padding test (all padding).

expect-fail: max_pool2d_matches_reference, max_pool2d_negative_padded, avg_pool2d_matches_reference
expect-feedback: one side only
expect-credit: max_pool2d_matches_reference = 0.738
expect-credit: max_pool2d_negative_padded = 0.0
expect-credit: avg_pool2d_matches_reference = 0.738
"""
import torch


def _pair(v):
    if isinstance(v, int):
        return v, v
    return int(v[0]), int(v[1])


def _prepare(input, kernel_size, stride, padding):
    if input.dim() != 4:
        raise ValueError("input must be 4-D (N, C, H, W)")
    kh, kw = _pair(kernel_size)
    sh, sw = (kh, kw) if stride is None else _pair(stride)
    ph, pw = _pair(padding)
    if min(kh, kw) < 1 or (stride is not None and min(_pair(stride)) < 1):
        raise ValueError("kernel_size and stride must be positive")
    if min(ph, pw) < 0 or ph > kh // 2 or pw > kw // 2:
        raise ValueError("padding must be between 0 and kernel_size // 2")
    if input.shape[2] + 2 * ph < kh or input.shape[3] + 2 * pw < kw:
        raise ValueError("the window does not fit into the padded input")
    return kh, kw, sh, sw, ph, pw


def _pool(input, kernel_size, stride, padding, fill, reduce):
    kh, kw, sh, sw, ph, pw = _prepare(input, kernel_size, stride, padding)
    n, c, h, w = input.shape
    padded = torch.full((n, c, h + 2 * ph, w + 2 * pw), fill, dtype=input.dtype)
    padded[:, :, :h, :w] = input
    out_h = (h + 2 * ph - kh) // sh + 1
    out_w = (w + 2 * pw - kw) // sw + 1
    out = torch.empty((n, c, out_h, out_w), dtype=input.dtype)
    for i in range(out_h):
        for j in range(out_w):
            window = padded[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw]
            out[:, :, i, j] = reduce(window)
    return out


def max_pool2d(input, kernel_size, stride=None, padding=0):
    return _pool(input, kernel_size, stride, padding, float("-inf") if input.is_floating_point() else torch.iinfo(input.dtype).min, lambda win: win.amax(dim=(2, 3)))


def avg_pool2d(input, kernel_size, stride=None, padding=0):
    kh, kw = _pair(kernel_size)
    return _pool(input, kernel_size, stride, padding, 0.0, lambda win: win.sum(dim=(2, 3)) / (kh * kw))
