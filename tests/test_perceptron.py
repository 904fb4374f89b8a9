"""Tests for perceptron.py (VSB lecture, "Perceptron", "The full perceptron model")."""

import math
import warnings

import course
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

pc = course.load("perceptron")

DTYPES = st.sampled_from([torch.float32, torch.float64])


def assert_matches(actual, expected):
    """The contract's tolerance for outputs of size about 1."""
    rtol, atol = (1e-7, 1e-9) if expected.dtype == torch.float64 else (1e-4, 1e-5)
    course.assert_close(actual, expected, rtol=rtol, atol=atol)


def test_sigmoid_of_zero_is_one_half():
    assert pc.sigmoid(torch.tensor(0.0)).item() == 0.5


def test_sigmoid_by_hand():
    z = torch.tensor([-2.0, 1.0, 3.0])
    expected = torch.tensor([1 / (1 + math.exp(2.0)), 1 / (1 + math.exp(-1.0)), 1 / (1 + math.exp(-3.0))])
    assert_matches(pc.sigmoid(z), expected)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_sigmoid_of_huge_inputs_is_finite_and_warning_free(dtype):
    z = torch.tensor([-1e4, -1000.0, 1000.0, 1e4], dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = pc.sigmoid(z)
    assert torch.isfinite(out).all()
    assert out.dtype == dtype
    assert_matches(out, torch.sigmoid(z))


@settings(max_examples=25, deadline=None)
@given(values=st.lists(st.floats(-1e4, 1e4), min_size=1, max_size=30), dtype=DTYPES)
def test_sigmoid_matches_torch(values, dtype):
    z = torch.tensor(values, dtype=dtype)
    before = z.clone()
    out = pc.sigmoid(z)
    assert_matches(out, torch.sigmoid(z))
    course.assert_equal(z, before, "sigmoid must not modify its input")


def test_sigmoid_keeps_the_shape():
    z = torch.randn(2, 3, 4)
    assert pc.sigmoid(z).shape == (2, 3, 4)


def test_perceptron_single_sample_by_hand():
    x = torch.tensor([1.0, 2.0])
    w = torch.tensor([0.5, -0.25])
    # x @ w = 0.5 - 0.5 = 0, so the output is sigmoid(b)
    assert pc.perceptron(x, w, 0.0).item() == pytest.approx(0.5)
    assert pc.perceptron(x, w, 1.0).item() == pytest.approx(1 / (1 + math.exp(-1.0)))
    assert pc.perceptron(x, w, 0.0).shape == ()


def test_perceptron_separates_two_groups_of_points():
    # The line x0 + x1 = 1 separates the points below it from those above it.
    w, b = torch.tensor([1.0, 1.0]), -1.0
    below = torch.tensor([[0.0, 0.0], [0.2, 0.3], [0.4, 0.1]])
    above = torch.tensor([[1.0, 1.0], [0.8, 0.9], [2.0, 0.0]])
    assert (pc.perceptron(below, w, b) < 0.5).all()
    assert (pc.perceptron(above, w, b) > 0.5).all()


def test_perceptron_accepts_a_0d_tensor_bias():
    x = torch.tensor([[1.0, 2.0, 3.0], [-1.0, 0.0, 1.0]])
    w = torch.tensor([0.1, 0.2, 0.3])
    b = torch.tensor(-0.5)
    assert_matches(pc.perceptron(x, w, b), torch.sigmoid(x @ w + b))


@settings(max_examples=25, deadline=None)
@given(
    batch=st.one_of(st.none(), st.integers(1, 6)),
    n=st.integers(1, 8),
    bias=st.floats(-5, 5),
    dtype=DTYPES,
    seed=st.integers(0, 2**32 - 1),
)
def test_perceptron_matches_torch(batch, n, bias, dtype, seed):
    g = torch.Generator().manual_seed(seed)
    shape = (n,) if batch is None else (batch, n)
    x = course.integers(g, shape, dtype)
    w = course.integers(g, (n,), dtype)
    out = pc.perceptron(x, w, bias)
    assert out.shape == (() if batch is None else (batch,))
    assert_matches(out, torch.sigmoid(x @ w + bias))


def test_perceptron_rejects_mismatched_feature_counts():
    with pytest.raises(ValueError):
        pc.perceptron(torch.ones(4, 3), torch.ones(2), 0.0)
    with pytest.raises(ValueError):
        pc.perceptron(torch.ones(3), torch.ones(4), 0.0)
