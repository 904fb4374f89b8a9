"""No upper bound on the padding: padding > kernel_size // 2 is accepted (PyTorch raises, the exercise demands
ValueError); every other argument is checked.
One requirement of each error test is lost.

expect-fail: max_pool2d_errors, avg_pool2d_errors
expect-feedback: should raise ValueError for padding=2 with kernel_size=2
expect-credit: max_pool2d_errors = 0.867
expect-credit: avg_pool2d_errors = 0.867
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
    if min(kh, kw, sh, sw) < 1:
        raise ValueError("kernel_size and stride must be positive")
    if min(ph, pw) < 0:
        raise ValueError("padding must not be negative")
    if input.shape[2] + 2 * ph < kh or input.shape[3] + 2 * pw < kw:
        raise ValueError("the window does not fit into the padded input")
    return kh, kw, sh, sw, ph, pw


def _pool(input, kernel_size, stride, padding, fill, reduce):
    kh, kw, sh, sw, ph, pw = _prepare(input, kernel_size, stride, padding)
    n, c, h, w = input.shape
    padded = torch.full((n, c, h + 2 * ph, w + 2 * pw), fill, dtype=input.dtype)
    padded[:, :, ph:ph + h, pw:pw + w] = input
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
