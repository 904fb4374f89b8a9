"""Arrays drawn as heatmaps: the panels of an array, and columns of them laid out by hand on one figure.

``grader.report.pictures`` builds its pictures from these. An array is a counterexample's JSON array
or a NumPy array (``as_array``); ``panels_of`` cuts it into 2-D panels (a 3-D array channel by
channel, the first four; a 4-D one as its first sample; a truncated one as far as it was recorded) and
says in words what they leave out; ``Canvas`` places columns of panels on a figure without axes (a
layout engine and tick machinery would cost ten times more), each colour scale with its bar under
the columns that share it, the numbers in the cells of a panel of at most 8x8.
"""

from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass

import numpy as np

MAX_CHANNELS = 4  # channel panels drawn per array
NUMBERS_UP_TO = 8  # a panel of at most this many rows and columns has its numbers written in
MAX_INPUTS = 4  # array arguments drawn
CELL, PANEL, THINNEST = 0.3, 1.9, 0.2  # inches: a cell of a small panel, a panel's largest and smallest side
TITLE, GAP, BAR = 0.2, 0.12, 0.1  # inches: a title line, the space between panels, a colour bar's height
CHARACTER = 0.062  # inches: about the width of one 8-point character
STYLE = {  # text as text (small, selectable), ids fixed by a salt
    "svg.hashsalt": "convgrade",
    "svg.fonttype": "none",
    "font.family": ["DejaVu Sans"],
    "font.size": 8.0,
}
SHARED_MAP, DIFFERENCE_MAP, NOT_FINITE = "viridis", "RdBu_r", "#bbbbbb"
MARK = "#ff00c8"  # the frame of the first differing cell: a colour neither colour map uses
TIMES, MINUS = "\u00d7", "\u2212"


@contextlib.contextmanager
def drawing():
    """The pictures' matplotlib settings while drawing or saving a figure: ``with drawing(): ...``. (Only
    these keys are set and put back: ``matplotlib.rc_context`` copies and checks every setting, a
    millisecond each time.)"""
    import matplotlib

    saved = {key: matplotlib.rcParams[key] for key in STYLE}
    dict.update(matplotlib.rcParams, STYLE)  # valid values: no need to check them again
    try:
        yield
    finally:
        dict.update(matplotlib.rcParams, saved)


def new_figure(width: float, height: float):
    """A ``width`` x ``height`` inch figure outside pyplot: no global state, freed with its last reference."""
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height))


@dataclass(frozen=True)
class Array:
    """An array as far as it is known: its full shape and the flat row-major values recorded."""

    dtype: str
    shape: tuple[int, ...]
    values: np.ndarray  # float64, NaN and infinities kept

    def describe(self) -> str:
        """``2×2 float32``, ``0-D int64``: its shape and dtype."""
        return f"{dims(self.shape) if self.shape else '0-D'} {self.dtype}"


@dataclass(frozen=True)
class Panel:
    """A 2-D slice of an array to draw: its title, leading ``index`` (sample, channel) and the known rows."""

    title: str
    index: tuple[int, ...]
    grid: np.ndarray

    @property
    def size(self) -> tuple[float, float]:
        """Width and height in inches."""
        rows, columns = self.grid.shape
        cell = min(CELL, PANEL / max(rows, columns))
        return max(columns * cell, THINNEST), max(rows * cell, THINNEST)  # a long vector: a strip, not a line


def as_array(value) -> Array | None:
    """A counterexample's JSON array or a NumPy array as ``Array``; None for anything else."""
    if isinstance(value, np.ndarray):
        return Array(str(value.dtype), value.shape, value.astype(np.float64).reshape(-1))
    if not (isinstance(value, dict) and {"shape", "values"} <= value.keys()):
        return None
    values = np.array([float(v) for v in value["values"]], dtype=np.float64)  # "nan", "inf", booleans: numbers
    return Array(str(value.get("dtype", "")), tuple(value["shape"]), values)


def panels_of(title: str, array: Array) -> tuple[list[Panel], list[str]]:
    """The panels of ``array`` and, in words, what they leave out (other samples and channels, unrecorded rows)."""
    shape, left_out = array.shape, []
    if 0 in shape:
        return [], [f"it is empty (shape {dims(shape)})"]
    lead = shape[:-2]
    rows, columns = (shape[-2], shape[-1]) if len(shape) >= 2 else (1, shape[0] if shape else 1)
    first = (0,) * max(len(lead) - 1, 0)  # the first sample (and the first of any dimension before it)
    if len(lead) > 1 and math.prod(lead[:-1]) > 1:
        left_out.append(f"only sample {index_words(first)} of {dims(lead[:-1])} is drawn")
    channels = lead[-1] if lead else 1
    if channels > MAX_CHANNELS:
        left_out.append(f"only its first {MAX_CHANNELS} of {channels} channels are drawn")
    panels, known = [], len(array.values)
    for channel in range(min(channels, MAX_CHANNELS)):
        index = (*first, channel) if lead else ()
        start = (int(np.ravel_multi_index(index, lead)) if lead else 0) * rows * columns
        whole = min(max(known - start, 0) // columns, rows)
        if whole:
            grid = array.values[start : start + whole * columns].reshape(whole, columns)
        elif known > start:  # not one whole row recorded: the part of the first that was
            grid = array.values[start:known].reshape(1, -1)
        else:
            break
        several = math.prod(lead) > 1  # then the title says which sample and channel
        panels.append(Panel(f"{title} {index_words(index)}" if several else title, index, grid))
    if known < math.prod(shape):
        shown = sum(p.grid.size for p in panels)
        left_out.append(f"only its first {known} of {math.prod(shape)} values were recorded, {shown} drawn")
    return panels, left_out


class Canvas:
    """Columns of panels placed by hand on a figure without axes (in inches from its top left corner), each
    colour scale's bar under the columns that share it."""

    def __init__(self, columns: list[list[Panel]]):
        self.columns = columns
        self.widths = [max(max(p.size[0] for p in c), max(len(p.title) for p in c) * CHARACTER) for c in columns]
        self.lefts = list(np.cumsum([GAP] + [w + 2 * GAP for w in self.widths[:-1]]))
        self.bottom = max(sum(TITLE + p.size[1] + GAP for p in c) for c in columns)
        self.height = self.bottom + 2 * BAR + TITLE + GAP
        self.figure = new_figure(sum(self.widths) + 2 * GAP * len(columns), self.height)

    def draw(self, columns, cmap: str, scale: tuple[float, float], first_difference=None):
        """The panels of ``columns`` on one colour scale, and its colour bar under them."""
        import matplotlib

        colours = matplotlib.colormaps[cmap].with_extremes(bad=NOT_FINITE)
        norm = matplotlib.colors.Normalize(*scale)
        for column in columns:
            top = 0.0
            for panel in self.columns[column]:
                width, height = panel.size
                left = self.lefts[column] + (self.widths[column] - width) / 2
                self._text(self.lefts[column] + self.widths[column] / 2, top + TITLE / 2, panel.title)
                top += TITLE
                self._heatmap(panel, (left, top, width, height), colours, norm, first_difference)
                top += height + GAP
        self._bar(columns, colours, norm)

    def _heatmap(self, panel: Panel, box, colours, norm, first_difference):
        """``panel`` in ``box`` (left, top, width, height): its colours, its numbers when small, a framed cell."""
        from matplotlib.patches import Rectangle

        left, top, width, height = box
        self._image(np.ma.masked_invalid(panel.grid), box, colours, norm)
        rows, columns = panel.grid.shape
        cell_width, cell_height = width / columns, height / rows
        if rows <= NUMBERS_UP_TO and columns <= NUMBERS_UP_TO:
            shades = colours(norm(np.ma.masked_invalid(panel.grid)))
            dark = shades[..., :3] @ (0.299, 0.587, 0.114) < 0.5  # white numbers on dark cells
            for (r, c), v in np.ndenumerate(panel.grid):
                words = number(v)
                x, y = left + (c + 0.5) * cell_width, top + (r + 0.5) * cell_height
                self._text(x, y, words, "white" if dark[r, c] else "black", 7 if len(words) <= 4 else 5.5)
        spot = cell_of(first_difference, panel)
        if spot is not None:
            corner = (left + spot[1] * cell_width, self.height - top - (spot[0] + 1) * cell_height)
            frame = Rectangle(corner, cell_width, cell_height, fill=False, edgecolor=MARK, linewidth=2)
            self.figure.add_artist(frame).set_transform(self.figure.dpi_scale_trans)

    def _bar(self, columns, colours, norm):
        """A horizontal colour bar across ``columns``, its ends (and zero, when it lies between) labelled."""
        left = self.lefts[min(columns)]
        right = self.lefts[max(columns)] + self.widths[max(columns)]
        top = self.bottom + BAR / 2
        self._image(np.linspace(norm.vmin, norm.vmax, 64)[None, :], (left, top, right - left, BAR), colours, norm)
        for tick in [norm.vmin, norm.vmax] + ([0.0] if norm.vmin < 0 < norm.vmax else []):
            x = left + (tick - norm.vmin) / (norm.vmax - norm.vmin) * (right - left)
            self._text(x, top + BAR + TITLE / 2 + 0.02, number(tick), size=6.5)

    def _image(self, grid, box, colours, norm):
        """``grid`` as coloured cells filling ``box`` (left, top, width, height)."""
        from matplotlib.image import BboxImage
        from matplotlib.transforms import Bbox, TransformedBbox

        left, top, width, height = box
        place = Bbox.from_bounds(left, self.height - top - height, width, height)
        image = BboxImage(
            TransformedBbox(place, self.figure.dpi_scale_trans), cmap=colours, norm=norm, interpolation="nearest"
        )
        image.set_data(grid)
        self.figure.add_artist(image)

    def _text(self, x, y, words, colour="black", size=7.5):
        self.figure.text(
            x,
            self.height - y,
            words,
            ha="center",
            va="center",
            fontsize=size,
            color=colour,
            transform=self.figure.dpi_scale_trans,
        )


def colour_range(panels: list[Panel], symmetric: bool = False) -> tuple[float, float]:
    """The colour range over the finite values of ``panels``; a constant gets a unit range around it."""
    finite = np.concatenate([p.grid[np.isfinite(p.grid)] for p in panels])
    if finite.size == 0:
        return (-1.0, 1.0) if symmetric else (0.0, 1.0)
    if symmetric:
        limit = float(np.abs(finite).max()) or 1.0
        return -limit, limit
    low, high = float(finite.min()), float(finite.max())
    return (low - 0.5, high + 0.5) if low == high else (low, high)


def cell_of(first_difference, panel: Panel) -> tuple[int, int] | None:
    """The (row, column) of the full index ``first_difference`` in ``panel``, if it lies in what is drawn."""
    if first_difference is None:
        return None
    index = tuple(first_difference)
    if len(index) >= 2 and index[:-2] != panel.index:
        return None
    row, column = index[-2:] if len(index) >= 2 else (0, index[0] if index else 0)
    return (row, column) if row < panel.grid.shape[0] and column < panel.grid.shape[1] else None


def dims(shape) -> str:
    return TIMES.join(str(n) for n in shape) if shape else "()"


def index_words(index: tuple[int, ...]) -> str:
    return f"[{', '.join(map(str, index))}]" if index else ""


def number(v: float) -> str:
    """A number for a cell or the words: whole numbers as such, others to 3 significant digits."""
    if not math.isfinite(v):
        return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf")
    if v == int(v) and abs(v) < 1e5:
        return str(int(v))
    return f"{v:.3g}"
