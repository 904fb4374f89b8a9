"""Correct pooling with explicit nested loops over (n, c, y, x), float64 inside, cast back.

Max pooling pads with the smallest value of the input minus one instead of -inf (NaN left out: a NaN
must not leak into the padding, where F.max_pool2d has -inf).
"""
import torch


def _pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def _check(input, k, s, p):
    if len(input.shape) != 4:
        raise ValueError(f"input: need (N, C, H, W), got {tuple(input.shape)}")
    if min(k) < 1 or min(s) < 1:
        raise ValueError(f"kernel_size {k} and stride {s} must be positive")
    if min(p) < 0 or p[0] > k[0] // 2 or p[1] > k[1] // 2:
        raise ValueError(f"padding {p} must be between 0 and half of kernel_size {k}")
    if input.shape[2] + 2 * p[0] < k[0] or input.shape[3] + 2 * p[1] < k[1]:
        raise ValueError(f"the window {k} does not fit into the padded input")


def max_pool2d(input, kernel_size, stride=None, padding=0):
    k = _pair(kernel_size)
    s = k if stride is None else _pair(stride)
    p = _pair(padding)
    _check(input, k, s, p)
    x = input.to(torch.float64)
    N, C, H, W = x.shape
    fill = float(x.nan_to_num(nan=0.0, posinf=0.0, neginf=float("-inf")).min()) - 1.0
    padded = torch.full((N, C, H + 2 * p[0], W + 2 * p[1]), fill, dtype=torch.float64)
    padded[:, :, p[0]:p[0] + H, p[1]:p[1] + W] = x
    oh = (H + 2 * p[0] - k[0]) // s[0] + 1
    ow = (W + 2 * p[1] - k[1]) // s[1] + 1
    out = torch.zeros(N, C, oh, ow, dtype=torch.float64)
    for n in range(N):
        for c in range(C):
            for i in range(oh):
                for j in range(ow):
                    window = padded[n, c, i * s[0]:i * s[0] + k[0], j * s[1]:j * s[1] + k[1]]
                    out[n, c, i, j] = window.max()
    return out.to(input.dtype)


def avg_pool2d(input, kernel_size, stride=None, padding=0):
    k = _pair(kernel_size)
    s = k if stride is None else _pair(stride)
    p = _pair(padding)
    _check(input, k, s, p)
    x = input.to(torch.float64)
    N, C, H, W = x.shape
    padded = torch.zeros((N, C, H + 2 * p[0], W + 2 * p[1]), dtype=torch.float64)
    padded[:, :, p[0]:p[0] + H, p[1]:p[1] + W] = x
    oh = (H + 2 * p[0] - k[0]) // s[0] + 1
    ow = (W + 2 * p[1] - k[1]) // s[1] + 1
    out = torch.zeros(N, C, oh, ow, dtype=torch.float64)
    for n in range(N):
        for c in range(C):
            for i in range(oh):
                for j in range(ow):
                    window = padded[n, c, i * s[0]:i * s[0] + k[0], j * s[1]:j * s[1] + k[1]]
                    out[n, c, i, j] = window.sum() / (k[0] * k[1])
    return out.to(input.dtype)
