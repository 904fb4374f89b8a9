"""Pooling layers by hand (VSB lecture, "Pooling - PyTorch"; UFRN lecture,
"Pooling Layers").

Pooling shrinks each feature map by summarising small windows: the
maximum keeps the strongest response, the average smooths.
"""
import numbers

import torch


def _pair(value, name: str, minimum: int) -> tuple[int, int]:
    """``(a, b)`` from an int ``a`` (meaning ``(a, a)``) or a pair ``(a, b)`` (given).

    Both numbers must be integers ``>= minimum``; otherwise a ``ValueError``
    names the argument.

    >>> _pair(2, "kernel_size", 1)
    (2, 2)
    >>> _pair((2, 3), "stride", 1)
    (2, 3)
    """

    def is_int(v):
        return isinstance(v, numbers.Integral) and not isinstance(v, bool)

    if is_int(value):
        pair = (value, value)
    elif isinstance(value, (tuple, list)) and len(value) == 2 and all(is_int(v) for v in value):
        pair = tuple(value)
    else:
        raise ValueError(f"{name} must be an int or a pair of ints, got {value!r}")
    if min(pair) < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value!r}")
    return int(pair[0]), int(pair[1])


def max_pool2d(input: torch.Tensor, kernel_size, stride=None, padding=0) -> torch.Tensor:
    """Max pooling, exactly ``F.max_pool2d`` (``dilation=1``, ``ceil_mode=False``).

    Each output is the largest value of one ``kH x kW`` window; windows
    start every ``stride`` cells::

        out[n, c, h, w] = max over (i, j) of padded[n, c, h*sH + i, w*sW + j]

    Padding adds ``-inf`` (not zeros!) around the map, so a padded cell
    never wins -- even when every real value in the window is negative.

    Args:
        input: ``(N, C, H, W)``.
        kernel_size: window size, int or pair.
        stride: int or pair; ``None`` (default) means ``kernel_size``.
        padding: int or pair, at most ``kernel_size // 2`` along each axis.

    Returns:
        ``(N, C, H_out, W_out)`` with ``H_out = floor((H + 2*pH - kH) / sH) + 1``.

    Example (UFRN): 2x2 windows with stride 1 on
    ``[[181, 237, 170, 223], [229, 181, 89, 108], [109, 93, 48, 66], [158, 21, 71, 14]]``
    give ``[[237, 237, 223], [229, 181, 108], [158, 93, 71]]``.

    Raises:
        ValueError: if ``input`` is not 4-D, an option is not a positive
            int or pair (padding: non-negative), ``padding > kernel_size // 2``
            along an axis, or the window does not fit into the padded input.

    Forbidden here: every built-in max pooling (F.max_pool2d, nn.MaxPool2d,
    adaptive variants), F.unfold -- use loops.
    """
    raise NotImplementedError('max_pool2d: pad with -inf, then for each window cell (i, j) take torch.maximum with the strided slice it touches')


def avg_pool2d(input: torch.Tensor, kernel_size, stride=None, padding=0) -> torch.Tensor:
    """Average pooling, exactly ``F.avg_pool2d`` (``count_include_pad=True``, ``ceil_mode=False``).

    Each output is the mean of one ``kH x kW`` window::

        out[n, c, h, w] = (1 / (kH * kW)) * sum over (i, j) of padded[n, c, h*sH + i, w*sW + j]

    Here padding adds zeros, and those zeros count: a window that overlaps
    the border is still divided by ``kH * kW``. (Integer inputs keep their
    dtype; the division then truncates toward zero, as in PyTorch.)

    Args and shapes: as for :func:`max_pool2d`.

    Example: 2x2 windows with stride 2 on ``[[1, 2], [3, 4]]`` give ``[[2.5]]``.

    Raises:
        ValueError: the same cases as :func:`max_pool2d`.

    Forbidden here: every built-in average pooling, F.unfold, convolutions.
    """
    raise NotImplementedError('avg_pool2d: zero-pad, add up the strided slice of every window cell (i, j), then divide by kH * kW')
