"""Known mistakes of pooling.py."""

import torch.nn.functional as F

from known_mistakes import Known, NotApplicable

# Bound now: a test may replace F.max_pool2d or F.avg_pool2d while it runs.
_max_pool2d, _avg_pool2d, _pad = F.max_pool2d, F.avg_pool2d, F.pad


def _pair(value):
    return (value, value) if isinstance(value, int) else tuple(value)


def _zero_padded_max(input, kernel_size, stride=None, padding=0):
    ph, pw = _pair(padding)
    if (ph, pw) == (0, 0):
        raise NotApplicable("no padding")
    return _max_pool2d(_pad(input, (pw, pw, ph, ph)), kernel_size, stride)


def _real_cells_only(input, kernel_size, stride=None, padding=0):
    if _pair(padding) == (0, 0):
        raise NotApplicable("no padding")
    return _avg_pool2d(input, kernel_size, stride, padding, count_include_pad=False)


def _window_sums(input, kernel_size, stride=None, padding=0):
    kh, kw = _pair(kernel_size)
    return _avg_pool2d(input, kernel_size, stride, padding) * (kh * kw)


MISTAKES = [
    Known(
        "pooling.pads_zeros_but_max_pooling",
        "max_pool2d",
        "it pads with zeros, but max pooling pads with -inf: when every real value of a window is "
        "negative, a zero from the padding must not win (use float('-inf') or the window's own values)",
        _zero_padded_max,
    ),
    Known(
        "pooling.divides_number_real_non_padded",
        "avg_pool2d",
        "it divides by the number of real (non-padded) cells of the window, but with "
        "count_include_pad=True the padded zeros count: always divide by kernel_h * kernel_w",
        _real_cells_only,
    ),
    Known(
        "pooling.returns_window_sums_divide_windows",
        "avg_pool2d",
        "it returns the window sums: divide by the window's size kernel_h * kernel_w",
        _window_sums,
    ),
]
