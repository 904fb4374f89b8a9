"""Tests for gradient_descent.py (VSB lecture, "Gradient Descent").

The function of the slides is f(x) = x**2 - 6*x + 1, with its minimum at x = 3.
"""

import math

import course
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

gd = course.load("gradient_descent")


def test_f_is_the_parabola_of_the_slides():
    assert gd.f(0.0) == 1.0
    assert gd.f(3.0) == -8.0  # the lowest point
    assert gd.f(18.0) == 18**2 - 6 * 18 + 1


def test_deriv_is_zero_at_the_minimum():
    assert gd.deriv(3.0) == 0.0


def test_deriv_sign_points_uphill():
    assert gd.deriv(18.0) > 0  # right of the minimum f rises
    assert gd.deriv(-2.0) < 0  # left of the minimum f falls


@settings(max_examples=25, deadline=None)
@given(x=st.floats(-1000, 1000))
def test_deriv_matches_the_slope_between_two_nearby_points(x):
    # For a parabola the central difference (f(x+h) - f(x-h)) / 2h is exact for any h.
    h = 1.0
    slope = (gd.f(x + h) - gd.f(x - h)) / (2 * h)
    assert math.isclose(gd.deriv(x), slope, rel_tol=1e-9, abs_tol=1e-9 * (1 + x * x))


def test_one_step_from_the_slides_starting_point():
    # The slides start at 18 with learning rate 0.05: the slope there is 30.
    assert gd.gradient_descent(18, 0.05, 1) == pytest.approx([18.0, 18.0 - 0.05 * 30])


def test_trajectory_has_one_point_per_epoch_plus_the_start():
    path = gd.gradient_descent(-0.5, 0.1, 7)
    assert len(path) == 8
    assert path[0] == -0.5


def test_zero_epochs_returns_only_the_start():
    assert gd.gradient_descent(5.0, 0.1, 0) == [5.0]


def test_many_epochs_converge_to_the_minimum_at_3():
    # The slides' run: start 18, learning rate 0.05, 1000 epochs.
    assert gd.gradient_descent(18, 0.05, 1000)[-1] == pytest.approx(3.0, abs=1e-9)


@pytest.mark.parametrize("learning_rate", [0.1, 0.3])
@pytest.mark.parametrize("start", [-0.5, -2.0])
def test_the_slides_settings_all_reach_the_minimum(start, learning_rate):
    path = gd.gradient_descent(start, learning_rate, 200)
    assert path[-1] == pytest.approx(3.0, abs=1e-6)
    # on this parabola every step gets closer to the minimum
    distances = [abs(x - 3.0) for x in path]
    assert all(later <= earlier for earlier, later in zip(distances, distances[1:]))


def test_a_custom_gradient_is_used():
    # the gradient of (x - 10)**2 leads to 10 instead of 3
    path = gd.gradient_descent(0.0, 0.1, 300, grad=lambda x: 2 * (x - 10))
    assert path[-1] == pytest.approx(10.0, abs=1e-6)


@settings(max_examples=25, deadline=None)
@given(
    start=st.floats(-100, 100),
    learning_rate=st.floats(0.001, 0.9),
    epochs=st.integers(0, 30),
)
def test_every_step_follows_the_update_rule(start, learning_rate, epochs):
    path = gd.gradient_descent(start, learning_rate, epochs)
    assert len(path) == epochs + 1
    assert path[0] == start
    for before, after in zip(path, path[1:]):
        expected = before - learning_rate * (2 * before - 6)
        assert math.isclose(after, expected, rel_tol=1e-12, abs_tol=1e-12)


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(start=1.0, learning_rate=0.1, epochs=-1),
        dict(start=1.0, learning_rate=0.0, epochs=10),
        dict(start=1.0, learning_rate=-0.1, epochs=10),
    ],
)
def test_invalid_epochs_or_learning_rate_raise_value_error(kwargs):
    with pytest.raises(ValueError):
        gd.gradient_descent(**kwargs)
