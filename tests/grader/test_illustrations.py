"""A failing function is also shown on a real input (``grader.topics.illustrations``), in JSON and in pictures."""

from types import SimpleNamespace

import numpy as np
import pytest
from helpers import CASES, as_module, solution_source

from grader.checks import Case
from grader.checks.feedback import illustration
from grader.load.submission import load_submission
from grader.report.pictures import colour_picture, curves_picture
from grader.report.pictures import test_pictures as pictures_of
from grader.score.config import Config
from grader.score.grade import grade_submission
from grader.topics.augmentation import PIPELINE_MISTAKES
from grader.topics.illustrations import augmentation as drawn_augmentation


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


def _graded(tmp_path, topic: str, source: str) -> dict:
    """The first test of each function, grading ``source`` as the ``topic`` module (10 examples a property)."""
    (tmp_path / f"{topic}.py").write_text(source)
    result = grade_submission(load_submission(tmp_path, [topic]), Config(examples={"default": 10}), [topic])
    return {t.function: t for t in reversed(result.topics[topic].tests)}


def _array(drawn: dict) -> np.ndarray:
    return np.array(drawn["values"], dtype=float).reshape(drawn["shape"])


def test_rgb_images_are_drawn_in_colour_and_a_missing_answer_is_said_in_words():
    image = np.zeros((4, 6, 3), dtype=np.uint8)
    image[..., 0] = 255  # red
    expected = np.full((3, 4, 6), -1.0, dtype=np.float32)
    expected[0] = 1.0  # red again, after Normalize((0.5,), (0.5,))
    drawn = colour_picture(
        "a red image", [("the image", image), ("expected", expected), ("yours", expected * 0)], -1, 1
    )
    assert drawn.pixels[0] > drawn.pixels[1] and drawn.png
    assert "a red image, drawn in colour: the image, a 4×6×3 uint8 image" in drawn.alt
    assert "yours differs from the expected image on 100% of the pixels, by up to 128 of 255 levels" in drawn.alt
    assert "yours looks the same" in colour_picture("same", [("expected", expected), ("yours", expected)], -1, 1).alt
    assert (
        "yours (1×3 float64) is not a whole RGB image"
        in colour_picture("t", [("expected", expected), ("yours", np.zeros((1, 3)))], -1, 1).alt
    )
    assert colour_picture("t", [("yours", np.zeros((2, 2)))], -1, 1) is None
    words = "augmentation_transform raised TypeError: no size"
    test = SimpleNamespace(
        passed=False,
        counterexample=None,
        illustration={**illustration("t(32) on a circle", image, expected, None, words), "rgb": [-1.0, 1.0]},
    )
    alts = [picture.alt for picture in pictures_of(test)]
    assert len(alts) == 2 and all(alt.endswith(f": {words}.") for alt in alts), alts


def test_an_illustration_says_where_the_answers_first_differ_or_that_they_agree():
    expected = np.arange(12, dtype=np.float32).reshape(3, 4)
    wrong = expected.copy()
    wrong[1, 2] = -1
    for got, words in [
        (wrong, "they differ first at row 1, column 2 (expected 6, yours -1)."),
        (expected + 1e-6, "yours agrees with the expected answer everywhere on this input."),
    ]:
        test = SimpleNamespace(
            passed=False, counterexample=None, illustration=illustration("f(x)", None, expected, got)
        )
        assert [picture.alt.endswith(words) for picture in pictures_of(test)] == [True], words


def test_every_known_pipeline_mistake_changes_the_illustrated_circle_visibly():
    image, expected = drawn_augmentation._image(), drawn_augmentation._expected()
    for mistake in PIPELINE_MISTAKES:
        case = Case((image, drawn_augmentation.SIZE), {"seed": drawn_augmentation.SEED})
        got = mistake.compute(case).numpy()
        assert got.shape != expected.shape or np.abs(got - expected).max() > 15 / 127.5, mistake.id  # 15 levels


@pytest.mark.slow
def test_a_pipeline_without_normalize_is_drawn_in_colour_beside_the_reference(tmp_path):
    tests = _graded(tmp_path, "augmentation", as_module(CASES / "augmentation" / "wrong_pipeline_no_normalize.py"))
    drawn = tests["augmentation_transform"].illustration
    assert drawn["input"]["shape"] == [26, 32, 3] and drawn["rgb"] == [-1.0, 1.0]
    expected, got = _array(drawn["expected"]), _array(drawn["got"])
    assert expected.shape == got.shape == (3, 20, 20) and expected.min() < 0 <= got.min()
    assert np.allclose(got * 2 - 1, expected, atol=1e-5)  # the same image, its values left in [0, 1]
    assert tests["image_to_tensor"].illustration is None  # passed: nothing to draw
    alts = [picture.alt for picture in pictures_of(tests["augmentation_transform"])]
    assert any(
        "circle from datasets/shapes (cropped to 26x32), drawn in colour" in alt and "differs from the expected" in alt
        for alt in alts
    )


@pytest.mark.slow
def test_inputs_captured_instead_of_outputs_are_drawn_beside_the_feature_maps(tmp_path):
    tests = _graded(tmp_path, "hooks", as_module(CASES / "hooks" / "wrong_stores_inputs.py"))
    drawn = tests["capture_outputs"].illustration
    assert "['conv1']" in drawn["title"] and drawn["input"]["shape"] == [1, 1, 10, 10]
    assert drawn["expected"]["shape"] == [1, 4, 8, 8]  # conv1's four feature maps
    assert np.array_equal(_array(drawn["got"]), _array(drawn["input"]))  # what went into conv1: the image
    alts = [picture.alt for picture in pictures_of(tests["capture_outputs"])]
    assert any("feature maps of a square" in alt and "the shapes differ" in alt for alt in alts), alts


@pytest.mark.slow
def test_a_fit_with_its_losses_swapped_draws_each_curve_where_the_other_should_be(tmp_path):
    tests = _graded(tmp_path, "training", as_module(CASES / "training" / "wrong_fit_swapped.py"))
    drawn = tests["fit"].illustration
    expected, got = drawn["expected"], drawn["got"]
    assert set(expected) == set(got) == {"train_loss", "val_loss"} and len(expected["train_loss"]) == 5
    assert not np.allclose(expected["train_loss"], expected["val_loss"], atol=1e-3)
    assert np.allclose(got["train_loss"], expected["val_loss"]) and np.allclose(got["val_loss"], expected["train_loss"])
    assert tests["train_epoch"].illustration is None
    alts = [picture.alt for picture in pictures_of(tests["fit"])]
    assert any("lines data" in alt and "epoch by epoch" in alt and "train_loss: expected" in alt for alt in alts)


@pytest.mark.slow
@pytest.mark.parametrize("topic", ["augmentation", "hooks", "training"])
def test_a_right_submission_gets_no_illustration(tmp_path, topic):
    tests = _graded(tmp_path, topic, solution_source(topic))
    assert all(test.passed and test.illustration is None for test in tests.values())
