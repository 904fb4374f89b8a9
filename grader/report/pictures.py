"""Pictures of a failing test: heatmaps of its counterexample, as deterministic SVG or PNG with alt text.

A test's counterexample (``grader.checks.feedback``: arrays as ``{"dtype", "shape", "values",
"truncated"}``) becomes up to two pictures: its array inputs, and the expected answer beside the
student's with their difference (when the shapes match). Expected and actual share one colour scale,
the difference has its own diverging one, each with a colour bar; cells carry their numbers when a
panel is at most 8x8. A 3-D array is drawn channel by channel (the first four), a 4-D one as its
first sample; of a truncated array only what was recorded is drawn, and the words say so.

The drawing itself is ``grader.report.heatmaps``. The API, for every renderer and for the
topic-specific pictures built on it:

- ``Picture(alt, caption, figure)``: ``.svg`` (text), ``.png`` (bytes), ``.data_uri("svg" | "png")``,
  ``.pixels``; the same figure gives the same bytes.
- ``test_pictures(test)``: every picture of a failing ``TestResult`` (none for a passed one).
- ``counterexample_pictures(counterexample)``, ``inputs_picture(function, named_arrays)``,
  ``comparison_picture(expected, got, what, first_difference)``: the pieces of ``test_pictures``;
  arrays may be NumPy arrays or the counterexample's JSON arrays.
- A picture of another kind: draw a ``heatmaps.new_figure(width, height)`` under ``heatmaps.drawing()``
  and wrap it in a ``Picture``.
"""

from __future__ import annotations

import base64
import functools
import io
import json
import math
from dataclasses import dataclass, field, replace

import numpy as np

from grader.report.heatmaps import (
    DIFFERENCE_MAP,
    GAP,
    MAX_INPUTS,
    MINUS,
    PANEL,
    SHARED_MAP,
    TITLE,
    Array,
    Canvas,
    Panel,
    as_array,
    colour_range,
    drawing,
    new_figure,
    number,
    panels_of,
)

PNG_COLOURS = 128
SVG_METADATA = dict.fromkeys(("Creator", "Date", "Format", "Type"))  # none: no date, the same bytes everywhere


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
    """The real input, then the reference's answer beside the student's (``feedback.illustration``), the first
    value that differs framed: RGB images (with ``rgb``, their range) also in colour, loss histories (series,
    one value per epoch) as curves. The alt text ends with the words on a missing answer, or says that the
    answers agree."""
    drawn = json.loads(key)
    title, expected, got, words = drawn["title"], drawn["expected"], drawn["got"], drawn.get("words")
    if drawn.get("rgb"):  # the input drawn in colour with the answers
        named = [("the image", drawn["input"]), ("expected", expected), ("yours", got)]
        inputs, answers = None, [colour_picture(title, named, *drawn["rgb"])]
    else:
        inputs, answers = inputs_picture(title.split("(")[0], [("image", drawn["input"])]), []
    first = _first_difference(expected, got)
    comparison = comparison_picture(expected, got, title, first or None)
    if comparison and first == []:
        comparison = _ending(comparison, "yours agrees with the expected answer everywhere on this input")
    answers.append(comparison)
    if words:
        answers = [picture and _ending(picture, words) for picture in answers]
    pictures = [inputs, *answers, curves_picture(expected, got, title, "epoch")]
    return tuple(p for p in pictures if p is not None)


def _ending(picture: Picture, words: str) -> Picture:
    """``picture`` with ``words`` at the end of its alt text."""
    return replace(picture, alt=f"{picture.alt[:-1]}: {words}.")


def _first_difference(expected, got) -> list[int] | None:
    """The full index of the first value of ``got`` not close to ``expected``'s (``[]``: none); None unless both
    are arrays of one shape recorded in full."""
    want, have = as_array(expected), as_array(got)
    if want is None or have is None or not want.shape or want.shape != have.shape:
        return None
    if not len(want.values) == len(have.values) == math.prod(want.shape):
        return None
    scale = max(1.0, float(np.nanmax(np.abs(want.values), initial=0.0)))
    far = ~np.isclose(have.values, want.values, rtol=1e-4, atol=1e-4 * scale, equal_nan=True)
    return [int(i) for i in np.unravel_index(int(np.argmax(far)), want.shape)] if far.any() else []


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
        curves_picture(expected, got, function),
    ]
    return tuple(p for p in pictures if p is not None)


def _series(value) -> dict[str, list[float]] | None:
    """A list of numbers, or a dict of such lists (a trajectory, a loss history), as named series; else None."""
    numbers = (int, float)
    if isinstance(value, list) and len(value) > 1 and all(isinstance(v, numbers) for v in value):
        return {"": [float(v) for v in value]}
    if isinstance(value, dict) and value and all(_series(v) == {"": v} or _series(v) for v in value.values()):
        named = {name: _series(v) for name, v in value.items()}
        return {name: series[""] for name, series in named.items() if series and "" in series}
    return None


def curves_picture(expected, got, function: str, steps: str = "step") -> Picture | None:
    """Expected and actual series (a trajectory, the losses per epoch) as curves on one plot, against
    ``steps``; None unless both are series with the same names."""
    want, have = _series(expected), _series(got)
    if not want or not have or set(want) != set(have):
        return None
    with drawing():
        from matplotlib.ticker import MaxNLocator

        figure = new_figure(5.6, 2.8)
        axes = figure.add_axes((0.1, 0.17, 0.55, 0.73))
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        for index, name in enumerate(sorted(want)):
            colour = f"C{index}"
            label = f"{name}, " if name else ""
            axes.plot(range(len(want[name])), want[name], color=colour, label=f"{label}expected")
            axes.plot(range(len(have[name])), have[name], "o--", color=colour, markersize=3, label=f"{label}yours")
        axes.set_xlabel(steps)
        axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, fontsize=7)
    words = "; ".join(
        f"{name or 'values'}: expected {', '.join(number(v) for v in want[name][:8])}, "
        f"yours {', '.join(number(v) for v in have[name][:8])}"
        for name in sorted(want)
    )
    alt = f"The output of {function} {steps} by {steps}, expected (solid) and yours (dashed): {words}."
    return Picture(alt, f"Expected (solid) and yours (dashed), {steps} by {steps}.", figure)


def colour_picture(what: str, named: list[tuple[str, object]], low: float, high: float) -> Picture | None:
    """Images in colour side by side (``(title, array)`` pairs: 3 x H x W with values from ``low`` to ``high``, or
    H x W x 3 uint8 from 0 to 255; a batch as its first image); None when none of them is an RGB image."""
    arrays = [(title, array) for title, array in ((t, as_array(v)) for t, v in named) if array is not None]
    arrays = [(title, array, _rgb(array, low, high)) for title, array in arrays]
    drawn = [(title, array, image) for title, array, image in arrays if image is not None]
    if not drawn:
        return None
    with drawing():
        from matplotlib.image import BboxImage
        from matplotlib.transforms import Bbox, TransformedBbox

        figure = new_figure(len(drawn) * (PANEL + 2 * GAP), PANEL + TITLE + 2 * GAP)
        pixel = PANEL / max(max(image.shape[:2]) for _, _, image in drawn)  # one scale: sizes compare
        for k, (title, _, image) in enumerate(drawn):
            width, height = image.shape[1] * pixel, image.shape[0] * pixel
            middle = GAP + k * (PANEL + 2 * GAP) + PANEL / 2
            figure.text(
                middle, GAP + PANEL + TITLE / 2, title, ha="center", va="center", transform=figure.dpi_scale_trans
            )
            place = Bbox.from_bounds(middle - width / 2, GAP + PANEL - height, width, height)
            artist = BboxImage(TransformedBbox(place, figure.dpi_scale_trans), interpolation="nearest")
            artist.set_data(image)
            figure.add_artist(artist)
    said = [f"{title}, a {array.describe()} image" for title, array, _ in drawn]
    said += [
        f"{title} ({array.describe()}) is not a whole RGB image" for title, array, image in arrays if image is None
    ]
    images = {title: image for title, _, image in drawn}
    if {"expected", "yours"} <= images.keys():
        said.append(_colour_difference(images["expected"], images["yours"]))
    caption = (
        f"In colour, all at one scale: values from {number(low)} to {number(high)} drawn as 0 to 255 "
        "(uint8 ones as they are)."
    )
    return Picture(f"{what}, drawn in colour: {'; '.join(said)}.", caption, figure)


def _rgb(array: Array, low: float, high: float) -> np.ndarray | None:
    """``array`` as an H x W x 3 image in [0, 1] (NaN grey); None unless it is a whole RGB image."""
    shape, values = array.shape, array.values
    if len(shape) == 4:
        shape, values = shape[1:], values[: math.prod(shape[1:])]
    if len(shape) != 3 or len(values) < math.prod(shape) or 3 not in (shape[0], shape[2]):
        return None
    image = values.reshape(shape).transpose(1, 2, 0) if shape[0] == 3 else values.reshape(shape)
    low, high = (0.0, 255.0) if array.dtype == "uint8" else (low, high)
    return np.nan_to_num(np.clip((image - low) / (high - low), 0, 1), nan=0.5)


def _colour_difference(expected: np.ndarray, got: np.ndarray) -> str:
    """How far the student's image is from the expected one, in 8-bit levels."""
    if expected.shape != got.shape:
        return "their sizes differ"
    levels = np.abs(expected - got).max(axis=2) * 255
    if levels.max() <= 2:
        return "yours looks the same as the expected image (within 2 of 255 levels)"
    return (
        f"yours differs from the expected image on {(levels > 2).mean():.0%} of the pixels, "
        f"by up to {levels.max():.0f} of 255 levels"
    )


# ------------------------------------------------------------------ the two pictures


def inputs_picture(function: str, named: list[tuple[str, object]]) -> Picture | None:
    """The array arguments of ``function`` (``(name, value)`` pairs; others are skipped), a column each,
    each on its own colour scale; None when no argument is an array."""
    arrays = [(name, array) for name, array in ((n, as_array(v)) for n, v in named) if array is not None]
    drawn = [(name, array, *panels_of(name, array)) for name, array in arrays[:MAX_INPUTS]]
    drawn = [entry for entry in drawn if entry[2]]
    if not drawn:
        return None
    with drawing():
        canvas = Canvas([panels for _, _, panels, _ in drawn])
        for column, (_, _, panels, _) in enumerate(drawn):
            canvas.draw([column], SHARED_MAP, colour_range(panels))
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
    sides = [(title, a, *panels_of(title, a)) for title, a in (("expected", want), ("yours", have)) if a is not None]
    sides = [side for side in sides if side[2]]
    if not sides:
        return None
    same = len(sides) == 2 and want.shape == have.shape
    columns = [panels for _, _, panels, _ in sides]
    if same:
        columns.append(_differences(columns[0], columns[1]))
    with drawing():
        canvas = Canvas(columns)
        canvas.draw(
            range(len(sides)), SHARED_MAP, colour_range([p for c in columns[: len(sides)] for p in c]), first_difference
        )
        if same:
            canvas.draw([2], DIFFERENCE_MAP, colour_range(columns[2], symmetric=True), first_difference)
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
                alt += f" (expected {number(values[0])}, yours {number(values[1])})"
    for title, _, _, left_out in sides:
        alt += _said(left_out, f" ({title}: ")
    caption = "Expected and yours on one colour scale"
    if same:
        caption += f"; the difference (yours {MINUS} expected) on its own: red where yours is larger, blue smaller"
        if first_difference is not None:
            caption += "; the first cell that differs is framed"
    return alt + ".", caption + "."


def _differences(expected: list[Panel], got: list[Panel]) -> list[Panel]:
    """``got - expected`` panel by panel, over the rows and columns both recorded."""
    panels = []
    for want, have in zip(expected, got):
        rows, columns = (min(a, b) for a, b in zip(want.grid.shape, have.grid.shape))
        with np.errstate(invalid="ignore", over="ignore"):
            grid = have.grid[:rows, :columns] - want.grid[:rows, :columns]
        panels.append(Panel(want.title.replace("expected", f"yours {MINUS} expected", 1), want.index, grid))
    return panels


# ------------------------------------------------------------------ words


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


def _at(array: Array, index) -> float | None:
    """The recorded value of ``array`` at ``index``; None beyond what was recorded."""
    try:
        flat = int(np.ravel_multi_index(tuple(index), array.shape)) if array.shape else 0
    except ValueError:
        return None
    return float(array.values[flat]) if flat < len(array.values) else None


def _values_in_words(panels: list[Panel]) -> str:
    """The drawn values of a small array, nested as Python prints them (for the alt text)."""
    if sum(p.grid.size for p in panels) > 16:
        return ""
    grids = ["[" + ", ".join("[" + ", ".join(map(number, row)) + "]" for row in p.grid) + "]" for p in panels]
    return ": " + "; ".join(grids)


def _said(left_out: list[str], opening: str = " (") -> str:
    return f"{opening}{'; '.join(left_out)})" if left_out else ""
