"""Tests for layers.py (UFRN lecture, "Activation Function", "Batch Normalization",
"Dropout", "Fully Connected Layer")."""

import course
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

layers = course.load("layers")

DTYPES = st.sampled_from([torch.float32, torch.float64])


def small_shape(min_dims, max_dims):
    return st.lists(st.integers(1, 4), min_size=min_dims, max_size=max_dims).map(tuple)


# ---------------------------------------------------------------- relu


def test_relu_example_from_the_slides():
    feature_map = torch.tensor([[[[-10.0, 3, 5, 0], [4, -3, 3, -3], [1, 0, 20, 4], [5, 6, -10, 9]]]])
    expected = torch.tensor([[[[0.0, 3, 5, 0], [4, 0, 3, 0], [1, 0, 20, 4], [5, 6, 0, 9]]]])
    course.assert_equal(layers.relu(feature_map), expected)


def test_relu_lets_nan_through_like_torch():
    out = layers.relu(torch.tensor([float("nan"), -1.0, 2.0]))
    course.assert_close(out, torch.tensor([float("nan"), 0.0, 2.0]), equal_nan=True)


@settings(max_examples=25, deadline=None)
@given(values=st.lists(st.floats(width=32), min_size=1, max_size=30), dtype=DTYPES)
def test_relu_matches_torch(values, dtype):
    x = torch.tensor(values, dtype=dtype)
    before = x.clone()
    out = layers.relu(x)
    course.assert_close(out, torch.relu(x), rtol=0, atol=0, equal_nan=True)
    course.assert_close(x, before, rtol=0, atol=0, equal_nan=True, msg="relu must not modify its input")


# ---------------------------------------------------------------- flatten


def test_flatten_of_the_pooled_slide_example():
    pooled = torch.tensor([[[[237.0, 237.0, 223.0], [229.0, 181.0, 108.0], [158.0, 93.0, 71.0]]]])
    expected = torch.tensor([[237.0, 237.0, 223.0, 229.0, 181.0, 108.0, 158.0, 93.0, 71.0]])
    course.assert_equal(layers.flatten(pooled), expected)


def test_flatten_gives_the_input_size_of_the_fully_connected_layer():
    # UFRN case study: (batch_size, n_channels, 4, 4) -> (batch_size, n_channels * 4 * 4)
    assert layers.flatten(torch.zeros(16, 3, 4, 4)).shape == (16, 48)
    # VSB simple CNN: (1, 6, 16, 16) -> 16 * 16 * 6 features
    assert layers.flatten(torch.zeros(1, 6, 16, 16)).shape == (1, 1536)


def test_flatten_works_for_non_contiguous_tensors():
    x = torch.arange(24.0).reshape(2, 3, 4).transpose(1, 2)  # not contiguous: view() would fail
    course.assert_equal(layers.flatten(x), torch.nn.Flatten()(x))


@settings(max_examples=25, deadline=None)
@given(shape=small_shape(2, 5), transpose=st.booleans())
def test_flatten_matches_nn_flatten(shape, transpose):
    x = torch.randn(shape)
    if transpose:
        x = x.transpose(0, -1)
    course.assert_equal(layers.flatten(x), torch.nn.Flatten()(x))


def test_flatten_rejects_fewer_than_two_dimensions():
    with pytest.raises(ValueError):
        layers.flatten(torch.zeros(5))


# ---------------------------------------------------------------- batch_norm


def test_batch_norm_of_two_samples_by_hand():
    # Column 0 holds 1 and 3 (mean 2, biased variance 1), column 1 holds 10 and 30
    # (mean 20, variance 100): both normalise to -1 and +1 (up to eps).
    x = torch.tensor([[1.0, 10.0], [3.0, 30.0]])
    course.assert_close(layers.batch_norm(x), torch.tensor([[-1.0, -1.0], [1.0, 1.0]]), atol=1e-4, rtol=0)


def test_batch_norm_gives_every_channel_mean_0_and_variance_1():
    x = 5 + 3 * torch.randn(8, 4, 6, 6, dtype=torch.float64)
    out = layers.batch_norm(x, eps=1e-12)
    mean = out.mean(dim=(0, 2, 3))
    var = out.var(dim=(0, 2, 3), unbiased=False)
    course.assert_close(mean, torch.zeros(4, dtype=torch.float64))
    course.assert_close(var, torch.ones(4, dtype=torch.float64))


@settings(max_examples=25, deadline=None)
@given(
    shape=st.one_of(small_shape(2, 2), small_shape(4, 4)),
    eps=st.sampled_from([1e-5, 1e-3, 0.1]),
    dtype=DTYPES,
    seed=st.integers(0, 2**32 - 1),
)
def test_batch_norm_matches_pytorch(shape, eps, dtype, seed):
    values_per_channel = torch.Size(shape).numel() // shape[1]
    if values_per_channel == 1:
        shape = (shape[0] + 1,) + shape[1:]
    g = torch.Generator().manual_seed(seed)
    x = 2 + 3 * torch.randn(shape, generator=g, dtype=dtype)
    before = x.clone()
    expected = F.batch_norm(x, None, None, training=True, eps=eps)
    rtol, atol = (1e-7, 1e-9) if dtype == torch.float64 else (1e-4, 1e-5)
    course.assert_close(layers.batch_norm(x, eps=eps), expected, rtol=rtol, atol=atol * 10)
    course.assert_equal(x, before, "batch_norm must not modify its input")


@pytest.mark.parametrize("shape", [(1, 3), (1, 3, 1, 1)])
def test_batch_norm_rejects_a_single_value_per_channel(shape):
    with pytest.raises(ValueError):
        layers.batch_norm(torch.randn(shape))


@pytest.mark.parametrize("eps", [0.0, -1e-5])
def test_batch_norm_rejects_an_eps_that_is_not_positive(eps):
    # as F.batch_norm in training mode: eps keeps the division away from 0 / 0
    with pytest.raises(ValueError, match="eps"):
        layers.batch_norm(torch.randn(4, 3), eps=eps)


# ---------------------------------------------------------------- dropout


def test_dropout_zeroes_about_p_of_the_elements_and_scales_the_rest():
    x = torch.ones(100_000)
    out = layers.dropout(x, 0.25, generator=torch.Generator().manual_seed(0))
    dropped = (out == 0).float().mean().item()
    assert dropped == pytest.approx(0.25, abs=0.01)
    survivors = out[out != 0]
    course.assert_close(survivors, torch.full_like(survivors, 1 / (1 - 0.25)))
    # inverted dropout keeps the expected value: the mean stays close to 1
    assert out.mean().item() == pytest.approx(1.0, abs=0.02)


def test_dropout_with_the_same_seed_gives_the_same_mask():
    x = torch.randn(20, 30)
    first = layers.dropout(x, 0.5, generator=torch.Generator().manual_seed(42))
    second = layers.dropout(x, 0.5, generator=torch.Generator().manual_seed(42))
    course.assert_equal(first, second)


def test_dropout_keeps_survivors_at_their_position():
    x = torch.randn(50, 50)
    out = layers.dropout(x, 0.3, generator=torch.Generator().manual_seed(7))
    kept = out != 0
    course.assert_close(out[kept], x[kept] / 0.7)


def test_dropout_is_the_identity_when_not_training_or_when_p_is_0():
    x = torch.randn(10, 10)
    course.assert_equal(layers.dropout(x, 0.5, training=False), x)
    course.assert_equal(layers.dropout(x, 0.0), x)


def test_dropout_with_p_1_drops_everything():
    course.assert_equal(layers.dropout(torch.randn(4, 5), 1.0), torch.zeros(4, 5))


@pytest.mark.parametrize("p", [-0.1, 1.5])
def test_dropout_rejects_p_outside_0_1(p):
    with pytest.raises(ValueError):
        layers.dropout(torch.ones(3), p)
