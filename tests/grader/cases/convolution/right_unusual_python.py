"""Correct correlate2d in unusual but legitimate Python: a namedtuple and a frozen dataclass made inside
the function (the standard library compiles code for both), itertools.product and functools.reduce over
the windows, getattr with a literal name, a caught exception and a tensor printed while debugging. None of
it may look like tampering with the detection of forbidden built-ins.
"""
import functools
import itertools
import operator
from collections import namedtuple
from dataclasses import dataclass

import torch


def correlate2d(image, kernel):
    Size = namedtuple("Size", "rows cols")

    @dataclass(frozen=True)
    class Window:
        y: int
        x: int

    if image.dim() != 2 or kernel.dim() != 2:
        raise ValueError(f"image and kernel must be 2-D, got {tuple(image.shape)} and {tuple(kernel.shape)}")
    size, k = Size(*image.shape), Size(*kernel.shape)
    if k.rows < 1 or k.cols < 1 or k.rows > size.rows or k.cols > size.cols:
        raise ValueError(f"kernel {tuple(kernel.shape)} does not fit into image {tuple(image.shape)}")
    out = Size(size.rows - k.rows + 1, size.cols - k.cols + 1)
    try:
        getattr(image, "no_such_attribute")
    except AttributeError:
        pass
    print("first pixel:", getattr(image, "detach")()[:1, :1])
    windows = [Window(y, x) for y, x in itertools.product(range(out.rows), range(out.cols))]
    values = [functools.reduce(operator.add, (image[w.y:w.y + k.rows, w.x:w.x + k.cols] * kernel).unbind(0)).sum()
              for w in windows]
    return torch.stack(values).reshape(out.rows, out.cols)
