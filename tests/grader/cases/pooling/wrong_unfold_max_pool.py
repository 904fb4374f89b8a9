"""max_pool2d through F.unfold (im2col): pad with -inf, unfold the windows into columns, take the column
maxima. Right values, but F.unfold is forbidden here: zero for every max_pool2d check.

expect-fail: max_pool2d_matches_reference, max_pool2d_negative_padded, max_pool2d_errors
expect-feedback: forbidden built-in
expect-credit: max_pool2d_matches_reference = 0.0
expect-credit: max_pool2d_negative_padded = 0.0
expect-credit: max_pool2d_errors = 0.0
"""
import torch.nn.functional as F

_checked_max_pool2d = max_pool2d  # the reference, for its argument checks only


def max_pool2d(input, kernel_size, stride=None, padding=0):
    _checked_max_pool2d(input, kernel_size, stride, padding)
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    stride = (kh, kw) if stride is None else stride
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    n, c, h, w = input.shape
    padded = F.pad(input, (pw, pw, ph, ph), value=float("-inf"))
    columns = F.unfold(padded.reshape(n * c, 1, h + 2 * ph, w + 2 * pw), (kh, kw), stride=stride)
    oh = (h + 2 * ph - kh) // (stride if isinstance(stride, int) else stride[0]) + 1
    return columns.amax(dim=1).reshape(n, c, oh, -1)
