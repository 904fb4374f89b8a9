"""Small tensors and arrays as grids of numbers, side by side, for the failure reports of the visible tests.

``blocks([("input", x), ("expected", e), ("actual", a)])`` gives lines such as::

    input (1, 1, 3, 3)   expected (1, 1, 1, 1)   actual (1, 1, 1, 1)
    1 2 3                8                       -8
    4 5 6
    7 8 9

A value too large to read as a grid (``MAX_ELEMENTS``) is described by its shape instead.
"""

import math

import numpy as np
import torch

MAX_ELEMENTS = 64  # more than this is not hand-sized: the report gives the shape
WIDTH = 100  # blocks are placed side by side up to this width, then on further rows
GAP = "   "


def number(value) -> str:
    """A number for a person: whole numbers without a decimal point, others to 4 significant digits."""
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return str(int(value))
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def as_array(value):
    """A tensor or array as a NumPy array (``None`` for anything else)."""
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().numpy()
    return value if isinstance(value, np.ndarray) else None


def describe(value) -> str:
    """``float32 (1, 1, 3, 3)`` for tensors and arrays, ``repr`` (shortened) for anything else."""
    array = as_array(value)
    if array is None:
        text = repr(value)
        return text if len(text) <= 80 else text[:77] + "..."
    return f"{str(value.dtype).removeprefix('torch.')} {tuple(array.shape)}"


def grid(name: str, value) -> list[tuple[str, list[str]]]:
    """(title, lines) blocks for one value: a block per 2-D slice (``x[0, 1]``), or one line when too large."""
    array = as_array(value)
    if isinstance(value, (int, float)) or (array is not None and array.ndim == 0):
        return [(name, [number(value.item() if array is not None else value)])]
    if array is None or array.size > MAX_ELEMENTS or array.size == 0:
        return [(f"{name}: {describe(value)}", [])]
    if array.ndim == 1:
        return [(f"{name} {tuple(array.shape)}", [" ".join(number(v) for v in np.atleast_1d(array).tolist())])]
    found, slices = [], int(np.prod(array.shape[:-2]))
    for index in np.ndindex(*array.shape[:-2]):
        title = f"{name}[{', '.join(map(str, index))}]" if slices > 1 else f"{name} {tuple(array.shape)}"
        title += f" of {tuple(array.shape)}" if slices > 1 and not found else ""
        rows = [[number(v) for v in row] for row in array[index].tolist()]
        width = max((len(cell) for row in rows for cell in row), default=0)
        found.append((title, [" ".join(cell.rjust(width) for cell in row) for row in rows]))
    return found


def blocks(named_values) -> list[str]:
    """The values as grids, side by side as long as they fit in ``WIDTH`` columns; one-line ones at the end."""
    grids, lines = [], []
    for name, value in named_values:
        for title, rows in grid(name, value):
            (grids if rows else lines).append((title, rows))
    out, band = [], []
    for block in grids:
        if band and sum(_width(b) + len(GAP) for b in band) + _width(block) > WIDTH:
            out += _side_by_side(band)
            band = []
        band.append(block)
    out += _side_by_side(band) if band else []
    return out + [title for title, _ in lines]


def _width(block) -> int:
    title, rows = block
    return max([len(title), *map(len, rows)])


def _side_by_side(band) -> list[str]:
    height = max(len(rows) for _, rows in band)
    columns = [[title, *rows, *[""] * (height - len(rows))] for title, rows in band]
    widths = [_width(block) for block in band]
    return [GAP.join(c[i].ljust(w) for c, w in zip(columns, widths)).rstrip() for i in range(height + 1)]
