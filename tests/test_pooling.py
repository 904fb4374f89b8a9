"""Tests for pooling.py (VSB lecture, "Pooling - PyTorch"; UFRN lecture, "Pooling Layers")."""

import course
import pytest
import torch
import torch.nn.functional as F
from hypothesis import assume, given, settings
from hypothesis import strategies as st

pooling = course.load("pooling")

DTYPES = st.sampled_from([torch.float32, torch.float64])

# The 4x4 feature map of the UFRN slides, as a (1, 1, 4, 4) tensor.
UFRN_MAP = torch.tensor(
    [
        [
            [
                [181.0, 237.0, 170.0, 223.0],
                [229.0, 181.0, 89.0, 108.0],
                [109.0, 93.0, 48.0, 66.0],
                [158.0, 21.0, 71.0, 14.0],
            ]
        ]
    ]
)


def int_or_pair(low, high):
    """An int, or a pair of ints (one per axis) -- both forms are allowed."""
    single = st.integers(low, high)
    return st.one_of(single, st.tuples(single, single))


def as_pair(value):
    return value if isinstance(value, tuple) else (value, value)


def assert_matches(actual, expected, magnitude):
    """The contract's tolerance: ``magnitude`` is the largest |value| in a window."""
    rtol, atol = (1e-7, 1e-9) if expected.dtype == torch.float64 else (1e-4, 1e-5)
    course.assert_close(actual, expected, rtol=rtol, atol=atol * float(magnitude))


# ---------------------------------------------------------------- the slides


def test_max_pool2d_2x2_stride_1_example_from_the_slides():
    pooled = pooling.max_pool2d(UFRN_MAP, kernel_size=2, stride=1)
    expected = torch.tensor([[[[237.0, 237.0, 223.0], [229.0, 181.0, 108.0], [158.0, 93.0, 71.0]]]])
    course.assert_equal(pooled, expected)


def test_max_pool2d_2x2_stride_2_the_common_choice():
    course.assert_equal(pooling.max_pool2d(UFRN_MAP, 2, 2), torch.tensor([[[[237.0, 223.0], [158.0, 71.0]]]]))


def test_stride_defaults_to_the_kernel_size():
    course.assert_equal(pooling.max_pool2d(UFRN_MAP, 2), pooling.max_pool2d(UFRN_MAP, 2, 2))
    course.assert_equal(pooling.avg_pool2d(UFRN_MAP, 2), pooling.avg_pool2d(UFRN_MAP, 2, 2))


def test_avg_pool2d_2x2_stride_2_on_the_slide_map():
    # (181 + 237 + 229 + 181) / 4 = 207, and so on for the other three windows.
    expected = torch.tensor([[[[207.0, 147.5], [95.25, 49.75]]]])
    course.assert_equal(pooling.avg_pool2d(UFRN_MAP, 2, 2), expected)


def test_max_pool2d_of_a_6x6_map_like_the_vsb_example_is_3x3():
    x = torch.randn(1, 1, 6, 6)
    out = pooling.max_pool2d(x, kernel_size=2, stride=2, padding=0)
    assert out.shape == (1, 1, 3, 3)
    course.assert_equal(out, F.max_pool2d(x, 2, 2))


# ---------------------------------------------------------------- padding


def test_max_pool2d_pads_with_minus_infinity_not_zeros():
    # Every value is negative: a zero from the padding must never win.
    x = -torch.randint(1, 4, (1, 2, 4, 5)).float()
    out = pooling.max_pool2d(x, kernel_size=3, stride=1, padding=1)
    course.assert_equal(out, F.max_pool2d(x, 3, 1, 1))
    assert (out < 0).all()


def test_avg_pool2d_counts_the_padding_zeros():
    # A 2x2 map of ones, 3x3 windows with padding 1: every window holds the
    # four ones and five padding zeros, and is divided by 9.
    out = pooling.avg_pool2d(torch.ones(1, 1, 2, 2), kernel_size=3, stride=1, padding=1)
    course.assert_close(out, torch.full((1, 1, 2, 2), 4 / 9))


# ---------------------------------------------------------------- against PyTorch


@settings(max_examples=25, deadline=None)
@given(
    batch=st.integers(1, 2),
    channels=st.integers(1, 3),
    height=st.integers(1, 9),
    width=st.integers(1, 9),
    kernel_size=int_or_pair(1, 4),
    stride=st.one_of(st.none(), int_or_pair(1, 3)),
    padding=int_or_pair(0, 2),
    shift=st.sampled_from([0.0, -5.0]),  # -5 makes every value negative
    dtype=DTYPES,
    seed=st.integers(0, 2**32 - 1),
)
def test_max_and_avg_pool2d_match_pytorch(
    batch, channels, height, width, kernel_size, stride, padding, shift, dtype, seed
):
    (k_h, k_w), (p_h, p_w) = as_pair(kernel_size), as_pair(padding)
    assume(p_h <= k_h // 2 and p_w <= k_w // 2)  # PyTorch's limit on padding
    assume(height + 2 * p_h >= k_h and width + 2 * p_w >= k_w)  # the window fits
    g = torch.Generator().manual_seed(seed)
    x = course.integers(g, (batch, channels, height, width), dtype) + shift
    before = x.clone()

    expected_max = F.max_pool2d(x, kernel_size, stride, padding)
    assert_matches(pooling.max_pool2d(x, kernel_size, stride, padding), expected_max, x.abs().max())

    expected_avg = F.avg_pool2d(x, kernel_size, stride, padding)
    assert_matches(pooling.avg_pool2d(x, kernel_size, stride, padding), expected_avg, x.abs().max())

    course.assert_equal(x, before, "pooling must not modify its input")


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize("pool", ["max_pool2d", "avg_pool2d"])
@pytest.mark.parametrize(
    "shape, kwargs",
    [
        ((1, 4, 4), dict(kernel_size=2)),  # not 4-D
        ((1, 1, 4, 4), dict(kernel_size=2, padding=2)),  # padding > 2 // 2
        ((1, 1, 6, 6), dict(kernel_size=(3, 2), padding=(0, 2))),  # too much padding along W only
        ((1, 1, 4, 4), dict(kernel_size=0)),
        ((1, 1, 4, 4), dict(kernel_size=2, stride=0)),
        ((1, 1, 2, 2), dict(kernel_size=3)),  # the window does not fit
    ],
)
def test_pooling_rejects_invalid_arguments(pool, shape, kwargs):
    with pytest.raises(ValueError):
        getattr(pooling, pool)(torch.zeros(shape), **kwargs)


def test_pooling_does_not_call_builtin_pooling(monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("write the pooling with loops, not with a built-in")

    for module, name in [(F, "max_pool2d"), (torch, "max_pool2d"), (F, "avg_pool2d"), (F, "unfold")]:
        monkeypatch.setattr(module, name, forbidden)
    pooling.max_pool2d(UFRN_MAP, 2, 1)
    pooling.avg_pool2d(UFRN_MAP, 2, 1)
