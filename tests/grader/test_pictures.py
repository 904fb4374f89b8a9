"""The pictures of a counterexample, on hand-made data: every array rank, truncation, non-finite values,
mismatched shapes, alt text in words, and the same bytes every time. Fast: no grading."""

from __future__ import annotations

import re

import numpy as np
import pytest

from grader.report import pictures
from grader.report.heatmaps import MARK
from grader.report.pictures import comparison_picture, counterexample_pictures, inputs_picture


def array(values, shape, dtype="float32"):
    """An array as ``grader.checks.feedback.value`` writes it: at most 256 values."""
    flat = [v if isinstance(v, str) else float(v) for v in np.asarray(values, dtype=object).reshape(-1)]
    return {"dtype": dtype, "shape": list(shape), "values": flat[:256], "truncated": len(flat) > 256}


def example(expected, got, first_difference=(0, 1), *args):
    return {
        "function": "correlate2d",
        "inputs": {"args": list(args) or [array([[1, 2], [3, 4]], (2, 2))], "kwargs": {"stride": 1}},
        "expected": expected,
        "got": got,
        "first_difference": list(first_difference) if first_difference is not None else None,
    }


def numbers_in(svg: str) -> list[str]:
    return re.findall(r">([^<>]+)</text>", svg)


def test_the_same_counterexample_gives_the_same_bytes_drawn_afresh():
    case = example(array([[1, 3], [2, 4]], (2, 2)), array([[1, -3], [2, 4]], (2, 2)))
    first = [(p.svg, p.png, p.alt) for p in counterexample_pictures(case)]
    pictures._pictures_of.cache_clear()
    again = [(p.svg, p.png, p.alt) for p in counterexample_pictures(case)]
    assert first == again and len(first) == 2
    assert "Date" not in first[0][0] and "Matplotlib v" not in first[0][0] and b"Matplotlib" not in first[0][1]


def test_expected_and_yours_share_a_scale_and_the_difference_is_framed_and_said():
    picture = comparison_picture(
        array([[1, 3], [2, 4]], (2, 2)), array([[1, -3], [2, 4]], (2, 2)), "output of correlate2d", [0, 1]
    )
    assert picture.alt == (
        "Expected 2×2 float32 output of correlate2d vs yours, and their difference: they differ first at "
        "row 0, column 1 (expected 3, yours -3)."
    )
    numbers = numbers_in(picture.svg)
    assert {"expected", "yours", "yours − expected"} <= set(numbers)
    assert numbers.count("-3") == 2 and "-6" in numbers  # yours in its cell and on the bar; the difference
    assert numbers.count("4") == 3  # a cell of each side and the shared bar's top: one scale for both
    assert MARK in picture.svg and len(picture.svg) < 8000
    unframed = comparison_picture(array([[1, 3], [2, 4]], (2, 2)), array([[1, -3], [2, 4]], (2, 2)))
    assert MARK not in unframed.svg


@pytest.mark.parametrize(
    "shape, drawn, said",
    [
        ((), 1, "Expected 0-D float32"),
        ((5,), 5, "Expected 5 float32"),
        ((3, 3), 9, "row 0, column 1"),
        ((6, 2, 2), 16, "only its first 4 of 6 channels are drawn"),
        ((3, 2, 2, 2), 8, "only sample [0] of 3 is drawn"),
    ],
)
def test_every_rank_is_drawn_with_its_numbers(shape, drawn, said):
    size = int(np.prod(shape))
    want = array(np.arange(size) + 10, shape)
    have = array(np.arange(size) + 1010, shape)
    index = [0] * (len(shape) - 1) + [1] if len(shape) >= 2 else None
    picture = comparison_picture(want, have, "output", index)
    assert said in picture.alt
    written = [n for n in numbers_in(picture.svg) if n.isdigit() and 10 <= int(n) < 10 + size]
    assert len(written) == drawn + 1  # each drawn cell of expected carries its number, and the bar its low end


def test_a_large_panel_is_colour_only_and_a_truncated_array_says_what_was_recorded():
    want = array(np.zeros((28, 28)), (28, 28))
    picture = comparison_picture(want, want, "image", None)
    assert "only its first 256 of 784 values were recorded, 252 drawn" in picture.alt  # 9 whole rows of 28
    assert not [n for n in numbers_in(picture.svg) if n == "0"][2:]  # no cell numbers: only the bars' ends
    wide = comparison_picture(array(np.ones(300), (1, 300)), None, "row", None)
    assert "only its first 256 of 300 values were recorded, 256 drawn" in wide.alt and "not an array" in wide.alt


def test_non_finite_values_are_written_and_shapes_that_differ_get_no_difference():
    picture = comparison_picture(array([[1, "nan"]], (1, 2)), array([["inf", 1], [2, 3]], (2, 2)), "output", None)
    assert "the shapes differ" in picture.alt and "(2×2 float32)" in picture.alt
    numbers = numbers_in(picture.svg)
    assert {"nan", "inf"} <= set(numbers) and "yours − expected" not in numbers


def test_the_inputs_picture_draws_arrays_only_and_says_their_values():
    picture = inputs_picture("conv2d", [("argument 1", array([[2, -2], [1, -1]], (1, 1, 2, 2))), ("stride", 2)])
    assert picture.alt == "The input of conv2d: argument 1, a 1×1×2×2 float32 array: [[2, -2], [1, -1]]."
    assert inputs_picture("deriv", [("x", 2.0)]) is None
    assert counterexample_pictures({"function": "f", "inputs": {"args": [1.0], "kwargs": {}}, "expected": 2.0}) == []


def test_pictures_stay_small_and_scale_as_images():
    """The largest panels with numbers (8x8, three of them: 192 numbers as SVG text) stay under 50 kB."""
    case = example(array(np.arange(64), (8, 8)), array(np.arange(64)[::-1], (8, 8)), (0, 0))
    for picture in counterexample_pictures(case):
        assert len(picture.svg) < 50_000 and len(picture.png) < 20_000
        assert picture.data_uri("png").startswith("data:image/png;base64,")
        width, height = picture.pixels
        assert 50 < width < 700 and 50 < height < 400
