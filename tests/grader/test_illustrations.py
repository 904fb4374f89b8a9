"""A failing function is also shown on a real input (``grader.topics.illustrations``), in JSON and in pictures."""

import numpy as np
import pytest
from helpers import CASES, as_module

from grader.load.submission import load_submission
from grader.report.pictures import curves_picture
from grader.report.pictures import test_pictures as pictures_of
from grader.score.config import Config
from grader.score.grade import grade_submission


def test_histories_are_drawn_as_curves_and_said_in_words():
    expected = {"train_loss": [1.0, 0.5, 0.25], "val_loss": [1.5, 0.75, 0.5]}
    got = {"train_loss": [1.0, 1.0, 1.0], "val_loss": [1.5, 1.5, 1.5]}
    picture = curves_picture(expected, got, "fit")
    assert "train_loss: expected 1, 0.5, 0.25, yours 1, 1, 1" in picture.alt and picture.png
    assert curves_picture([3.0, 1.0], [3.0, 2.0], "gradient_descent") is not None
    assert curves_picture(expected, {"train_loss": [1.0, 1.0, 1.0]}, "fit") is None  # different series
    assert curves_picture({"dtype": "float32", "shape": [2], "values": [1, 2]}, got, "f") is None  # an array


@pytest.mark.slow
def test_a_wrong_filter2d_is_drawn_on_a_shape_beside_the_reference(tmp_path):
    (tmp_path / "edges.py").write_text(as_module(CASES / "edges" / "wrong_border_left_zero.py"))
    result = grade_submission(load_submission(tmp_path, ["edges"]), Config(examples={"default": 10}), ["edges"])
    tests = {t.function: t for t in reversed(result.topics["edges"].tests)}  # the first test of each function
    drawn = tests["filter2d"].illustration
    assert drawn["input"]["shape"] == [32, 32] and not drawn["input"]["truncated"]
    expected = np.array(drawn["expected"]["values"], dtype=float).reshape(32, 32)
    got = np.array(drawn["got"]["values"], dtype=float).reshape(32, 32)
    differs = np.argwhere(~np.isclose(expected, got, atol=1e-3))
    on_border = (differs == 0) | (differs == 31)
    assert len(differs) and on_border.any(axis=1).all()  # the borders left at zero, the inside right
    assert tests["sobel_kernels"].illustration is None  # passed: nothing to draw
    alts = [picture.alt for picture in pictures_of(tests["filter2d"])]
    assert any("square from datasets/shapes" in alt and "their difference" in alt for alt in alts), alts
