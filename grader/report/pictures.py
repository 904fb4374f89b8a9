"""Pictures of a failing test: heatmaps of its counterexample, as deterministic SVG or PNG with alt text.

A test's counterexample (``grader.checks.feedback``: arrays as ``{"dtype", "shape", "values",
"truncated"}``) becomes up to two pictures: its array inputs, and the expected answer beside the
student's with their difference (when the shapes match). Expected and actual share one colour scale,
the difference has its own diverging one, each with a colour bar; cells carry their numbers when a
panel is at most 8x8. A 3-D array is drawn channel by channel (the first four), a 4-D one as its
first sample; of a truncated array only what was recorded is drawn, and the words say so.

Panels are laid out by hand on one axes-free canvas (a layout engine and tick machinery would cost
ten times more), then matplotlib renders them. The API, for every renderer and for the
topic-specific pictures built on it:

- ``Picture(alt, caption, figure)``: ``.svg`` (text), ``.png`` (bytes), ``.data_uri("svg" | "png")``;
  the same figure gives the same bytes.
- ``new_figure(width, height)``: a matplotlib ``Figure`` outside pyplot; draw in it under ``drawing()``.
- ``test_pictures(test)``: every picture of a failing ``TestResult`` (none for a passed one).
- ``counterexample_pictures(counterexample)``, ``inputs_picture(function, named_arrays)``,
  ``comparison_picture(expected, got, what, first_difference)``: the pieces of ``test_pictures``;
  arrays may be NumPy arrays or the counterexample's JSON arrays.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import io
import json
import math
from dataclasses import dataclass, field

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
PNG_COLOURS = 128
SVG_METADATA = dict.fromkeys(("Creator", "Date", "Format", "Type"))  # none: no date, the same bytes everywhere
SHARED_MAP, DIFFERENCE_MAP, NOT_FINITE = "viridis", "RdBu_r", "#bbbbbb"
MARK = "#ff00c8"  # the frame of the first differing cell: a colour neither colour map uses
TIMES, MINUS = "\u00d7", "\u2212"


@dataclass(frozen=True)
class Picture:
    """A drawn figure and what it shows in words: ``alt`` (for the image), ``caption`` (under it)."""

    alt: str
    caption: str
    figure: object = field(repr=False, compare=False)  # a matplotlib Figure

    @functools.cached_property
    def svg(self) -> str:
        return self._render("svg").decode()

    @functools.cached_property
    def png(self) -> bytes:
        """The picture in at most 128 colours: a quarter of the bytes of matplotlib's PNG, no visible change."""
        from PIL import Image

        palette = Image.open(io.BytesIO(self._render("png"))).quantize(
            PNG_COLOURS, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE
        )
        buffer = io.BytesIO()
        palette.save(buffer, format="PNG")
        return buffer.getvalue()

    @property
    def pixels(self) -> tuple[int, int]:
        """Width and height in CSS pixels (96 to the inch)."""
        width, height = self.figure.get_size_inches()
        return round(width * 96), round(height * 96)

    def data_uri(self, kind: str = "svg") -> str:
        """The picture as a ``data:`` URI for ``<img src>``: ``"svg"`` or ``"png"``."""
        data, mime = (self.svg.encode(), "image/svg+xml") if kind == "svg" else (self.png, "image/png")
        return f"data:{mime};base64,{base64.b64encode(data).decode()}"

    def _render(self, kind: str) -> bytes:
        buffer = io.BytesIO()
        with drawing():  # the SVG's ids are salted at saving time
            self.figure.savefig(
                buffer, format=kind, dpi=96, metadata=SVG_METADATA if kind == "svg" else {"Software": None}
            )
        return buffer.getvalue()


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


def test_pictures(test) -> list[Picture]:
    """The pictures of a failing test: its counterexample's, then its illustration's (the function on a real
    input); none for a passed test or one without arrays."""
    if test.passed:
        return []
    pictures = counterexample_pictures(test.counterexample) if test.counterexample else []
    if test.illustration:
        pictures += list(_illustration_pictures(json.dumps(test.illustration, sort_keys=True)))
    return pictures


@functools.lru_cache(maxsize=16)
def _illustration_pictures(key: str) -> tuple[Picture, ...]:
    """The real input, then the reference's answer beside the student's (``feedback.illustration``)."""
    drawn = json.loads(key)
    title = drawn["title"]
    function = title.split("(")[0]
    pictures = [
        inputs_picture(function, [("image", drawn["input"])]),
        comparison_picture(drawn["expected"], drawn["got"], title),
    ]
    return tuple(p for p in pictures if p is not None)


def counterexample_pictures(counterexample: dict) -> list[Picture]:
    """The array inputs of the failing call, then the expected answer beside the student's. Remembered by
    content: shrunk counterexamples recur across the tests and the students of a class."""
    return list(_pictures_of(json.dumps(counterexample, sort_keys=True)))


@functools.lru_cache(maxsize=64)
def _pictures_of(key: str) -> tuple[Picture, ...]:
    counterexample = json.loads(key)
    function = counterexample.get("function") or "the function"
    inputs = counterexample.get("inputs") or {}
    named = [(f"argument {i + 1}", value) for i, value in enumerate(inputs.get("args") or [])]
    named += list((inputs.get("kwargs") or {}).items())
    expected, got = counterexample.get("expected"), counterexample.get("got")
    pictures = [
        inputs_picture(function, named),
        comparison_picture(expected, got, f"output of {function}", counterexample.get("first_difference")),
    ]
    return tuple(p for p in pictures if p is not None)


# ------------------------------------------------------------------ arrays as panels


@dataclass(frozen=True)
class _Array:
    """An array as far as it is known: its full shape and the flat row-major values recorded."""

    dtype: str
    shape: tuple[int, ...]
    values: np.ndarray  # float64, NaN and infinities kept

    def describe(self) -> str:
        """``2×2 float32``, ``0-D int64``: its shape and dtype."""
        return f"{_dims(self.shape) if self.shape else '0-D'} {self.dtype}"


@dataclass(frozen=True)
class _Panel:
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


def as_array(value) -> _Array | None:
    """A counterexample's JSON array or a NumPy array as ``_Array``; None for anything else."""
    if isinstance(value, np.ndarray):
        return _Array(str(value.dtype), value.shape, value.astype(np.float64).reshape(-1))
    if not (isinstance(value, dict) and {"shape", "values"} <= value.keys()):
        return None
    values = np.array([float(v) for v in value["values"]], dtype=np.float64)  # "nan", "inf", booleans: numbers
    return _Array(str(value.get("dtype", "")), tuple(value["shape"]), values)


def _panels(title: str, array: _Array) -> tuple[list[_Panel], list[str]]:
    """The panels of ``array`` and, in words, what they leave out (other samples and channels, unrecorded rows)."""
    shape, left_out = array.shape, []
    if 0 in shape:
        return [], [f"it is empty (shape {_dims(shape)})"]
    lead = shape[:-2]
    rows, columns = (shape[-2], shape[-1]) if len(shape) >= 2 else (1, shape[0] if shape else 1)
    first = (0,) * max(len(lead) - 1, 0)  # the first sample (and the first of any dimension before it)
    if len(lead) > 1 and math.prod(lead[:-1]) > 1:
        left_out.append(f"only sample {_index(first)} of {_dims(lead[:-1])} is drawn")
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
        named = f"{title} {_index(index)}" if math.prod(lead) > 1 else title  # which sample and channel, if several
        panels.append(_Panel(named, index, grid))
    if known < math.prod(shape):
        shown = sum(p.grid.size for p in panels)
        left_out.append(f"only its first {known} of {math.prod(shape)} values were recorded, {shown} drawn")
    return panels, left_out


# ------------------------------------------------------------------ the two pictures


def inputs_picture(function: str, named: list[tuple[str, object]]) -> Picture | None:
    """The array arguments of ``function`` (``(name, value)`` pairs; others are skipped), a column each,
    each on its own colour scale; None when no argument is an array."""
    arrays = [(name, array) for name, array in ((n, as_array(v)) for n, v in named) if array is not None]
    drawn = [(name, array, *_panels(name, array)) for name, array in arrays[:MAX_INPUTS]]
    drawn = [entry for entry in drawn if entry[2]]
    if not drawn:
        return None
    with drawing():
        canvas = _Canvas([panels for _, _, panels, _ in drawn])
        for column, (_, _, panels, _) in enumerate(drawn):
            canvas.draw([column], SHARED_MAP, _scale(panels))
    words = [
        f"{name}, a {array.describe()} array{_values_in_words(panels)}{_said(left)}"
        for name, array, panels, left in drawn
    ]
    if len(arrays) > MAX_INPUTS:
        words.append(f"{len(arrays) - MAX_INPUTS} more arrays not drawn")
    alt = f"The input{'s' if len(drawn) > 1 else ''} of {function}: {'; '.join(words)}."
    caption = f"What {function} was given{', each on its own colour scale' if len(drawn) > 1 else ''}."
    return Picture(alt, caption, canvas.figure)


def comparison_picture(expected, got, what: str = "output", first_difference=None) -> Picture | None:
    """Expected and actual ``what`` side by side on one colour scale, then ``got - expected`` when the shapes
    match, the cell at ``first_difference`` (the full index) framed; None when neither is an array."""
    want, have = as_array(expected), as_array(got)
    sides = [(title, a, *_panels(title, a)) for title, a in (("expected", want), ("yours", have)) if a is not None]
    sides = [side for side in sides if side[2]]
    if not sides:
        return None
    same = len(sides) == 2 and want.shape == have.shape
    columns = [panels for _, _, panels, _ in sides]
    if same:
        columns.append(_differences(columns[0], columns[1]))
    with drawing():
        canvas = _Canvas(columns)
        canvas.draw(
            range(len(sides)), SHARED_MAP, _scale([p for c in columns[: len(sides)] for p in c]), first_difference
        )
        if same:
            canvas.draw([2], DIFFERENCE_MAP, _scale(columns[2], symmetric=True), first_difference)
    return Picture(*_comparison_words(want, have, what, first_difference, sides, same), canvas.figure)


def _comparison_words(want, have, what, first_difference, sides, same: bool) -> tuple[str, str]:
    """The alt text (what the picture shows, in words) and the caption (how to read it)."""
    alt = f"Expected {want.describe()} {what}" if want is not None else f"Your {have.describe()} {what}"
    if want is None:
        alt += "; the expected answer is not an array"
    elif have is None:
        alt += "; yours is not an array"
    elif not same:
        alt += f" vs yours ({have.describe()}): the shapes differ"
    else:
        alt += " vs yours, and their difference"
        if first_difference is not None:
            alt += f": they differ first at {_position(first_difference)}"
            values = _at(want, first_difference), _at(have, first_difference)
            if None not in values:
                alt += f" (expected {_number(values[0])}, yours {_number(values[1])})"
    for title, _, _, left_out in sides:
        alt += _said(left_out, f" ({title}: ")
    caption = "Expected and yours on one colour scale"
    if same:
        caption += f"; the difference (yours {MINUS} expected) on its own: red where yours is larger, blue smaller"
        if first_difference is not None:
            caption += "; the first cell that differs is framed"
    return alt + ".", caption + "."


def _differences(expected: list[_Panel], got: list[_Panel]) -> list[_Panel]:
    """``got - expected`` panel by panel, over the rows and columns both recorded."""
    panels = []
    for want, have in zip(expected, got):
        rows, columns = (min(a, b) for a, b in zip(want.grid.shape, have.grid.shape))
        with np.errstate(invalid="ignore", over="ignore"):
            grid = have.grid[:rows, :columns] - want.grid[:rows, :columns]
        panels.append(_Panel(want.title.replace("expected", f"yours {MINUS} expected", 1), want.index, grid))
    return panels


# ------------------------------------------------------------------ drawing


class _Canvas:
    """Columns of panels placed by hand on a figure without axes (in inches from its top left corner), each
    colour scale's bar under the columns that share it."""

    def __init__(self, columns: list[list[_Panel]]):
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

    def _heatmap(self, panel: _Panel, box, colours, norm, first_difference):
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
                words = _number(v)
                x, y = left + (c + 0.5) * cell_width, top + (r + 0.5) * cell_height
                self._text(x, y, words, "white" if dark[r, c] else "black", 7 if len(words) <= 4 else 5.5)
        spot = _cell_of(first_difference, panel)
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
            self._text(x, top + BAR + TITLE / 2 + 0.02, _number(tick), size=6.5)

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


def _scale(panels: list[_Panel], symmetric: bool = False) -> tuple[float, float]:
    """The colour range over the finite values of ``panels``; a constant gets a unit range around it."""
    finite = np.concatenate([p.grid[np.isfinite(p.grid)] for p in panels])
    if finite.size == 0:
        return (-1.0, 1.0) if symmetric else (0.0, 1.0)
    if symmetric:
        limit = float(np.abs(finite).max()) or 1.0
        return -limit, limit
    low, high = float(finite.min()), float(finite.max())
    return (low - 0.5, high + 0.5) if low == high else (low, high)


def _cell_of(first_difference, panel: _Panel) -> tuple[int, int] | None:
    """The (row, column) of the full index ``first_difference`` in ``panel``, if it lies in what is drawn."""
    if first_difference is None:
        return None
    index = tuple(first_difference)
    if len(index) >= 2 and index[:-2] != panel.index:
        return None
    row, column = index[-2:] if len(index) >= 2 else (0, index[0] if index else 0)
    return (row, column) if row < panel.grid.shape[0] and column < panel.grid.shape[1] else None


# ------------------------------------------------------------------ words


def _dims(shape) -> str:
    return TIMES.join(str(n) for n in shape) if shape else "()"


def _index(index: tuple[int, ...]) -> str:
    return f"[{', '.join(map(str, index))}]" if index else ""


def _number(v: float) -> str:
    """A number for a cell or the words: whole numbers as such, others to 3 significant digits."""
    if not math.isfinite(v):
        return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf")
    if v == int(v) and abs(v) < 1e5:
        return str(int(v))
    return f"{v:.3g}"


def _position(index) -> str:
    """A full index in words: row and column, then the channel and sample they lie in."""
    index = list(index)
    if len(index) < 2:
        return f"position {index[0]}" if index else "the only value"
    words = f"row {index[-2]}, column {index[-1]}"
    if len(index) >= 3:
        words += f" of channel {index[-3]}"
    if len(index) >= 4:
        words += f", sample {', '.join(map(str, index[:-3]))}"
    return words


def _at(array: _Array, index) -> float | None:
    """The recorded value of ``array`` at ``index``; None beyond what was recorded."""
    try:
        flat = int(np.ravel_multi_index(tuple(index), array.shape)) if array.shape else 0
    except ValueError:
        return None
    return float(array.values[flat]) if flat < len(array.values) else None


def _values_in_words(panels: list[_Panel]) -> str:
    """The drawn values of a small array, nested as Python prints them (for the alt text)."""
    if sum(p.grid.size for p in panels) > 16:
        return ""
    grids = ["[" + ", ".join("[" + ", ".join(map(_number, row)) + "]" for row in p.grid) + "]" for p in panels]
    return ": " + "; ".join(grids)


def _said(left_out: list[str], opening: str = " (") -> str:
    return f"{opening}{'; '.join(left_out)})" if left_out else ""
