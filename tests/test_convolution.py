"""Tests for convolution.py (VSB lecture, "CONV2D PyTorch"; UFRN lecture, "Convolutions")."""

import warnings

import course
import pytest
import torch
import torch.nn.functional as F
from hypothesis import assume, given, settings
from hypothesis import strategies as st

conv = course.load("convolution")

DTYPES = st.sampled_from([torch.float32, torch.float64])
SOBEL_X = torch.tensor([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]])


def int_or_pair(low, high):
    """An int, or a pair of ints (one per axis) -- both forms are allowed."""
    single = st.integers(low, high)
    return st.one_of(single, st.tuples(single, single))


def assert_matches(actual, expected, magnitude):
    """The contract's tolerance: ``magnitude`` is the largest sum of |input| * |weight| in one output."""
    rtol, atol = (1e-7, 1e-9) if expected.dtype == torch.float64 else (1e-4, 1e-5)
    course.assert_close(actual, expected, rtol=rtol, atol=atol * float(magnitude))


# ---------------------------------------------------------------- conv_output_size


@pytest.mark.parametrize(
    "args, expected",
    [
        (dict(n=7, kernel_size=3), 5),  # UFRN: 7x7 input, 3x3 kernel -> 5x5 feature map
        (dict(n=6, kernel_size=3), 4),  # UFRN: (1, 3, 6, 6) input -> (1, 2, 4, 4)
        (dict(n=32, kernel_size=3, stride=1, padding=1), 32),  # VSB simple CNN keeps 32x32
        (dict(n=28, kernel_size=5, padding=2), 28),  # LeNet-5 C1: 1@28x28 -> 6@28x28
        (dict(n=14, kernel_size=5), 10),  # LeNet-5 C3: 6@14x14 -> 16@10x10
        (dict(n=5, kernel_size=5), 1),  # LeNet-5 C5: 16@5x5 -> 120@1x1
        (dict(n=10, kernel_size=3), 8),  # UFRN case study: 10x10 -> 8x8
        (dict(n=7, kernel_size=3, stride=2), 3),
        (dict(n=7, kernel_size=3, dilation=2), 3),  # a dilated 3x3 kernel spans 5 cells
    ],
)
def test_conv_output_size_examples_from_the_slides(args, expected):
    course.assert_equal(conv.conv_output_size(**args), expected)


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(1, 20),
    kernel_size=st.integers(1, 6),
    stride=st.integers(1, 4),
    padding=st.integers(0, 3),
    dilation=st.integers(1, 3),
)
def test_conv_output_size_matches_pytorch(n, kernel_size, stride, padding, dilation):
    assume(n + 2 * padding >= dilation * (kernel_size - 1) + 1)  # the kernel fits
    layer = torch.nn.Conv2d(1, 1, (kernel_size, 1), stride=stride, padding=(padding, 0), dilation=dilation)
    expected = layer(torch.zeros(1, 1, n, 1)).shape[2]
    course.assert_equal(conv.conv_output_size(n, kernel_size, stride, padding, dilation), expected)


@pytest.mark.parametrize(
    "args",
    [
        dict(n=0, kernel_size=3),
        dict(n=7, kernel_size=0),
        dict(n=7, kernel_size=3, stride=0),
        dict(n=7, kernel_size=3, padding=-1),
        dict(n=7, kernel_size=3, dilation=0),
        dict(n=2, kernel_size=3),  # the kernel does not fit
        dict(n=4, kernel_size=3, dilation=2),  # the dilated kernel spans 5 > 4 cells
    ],
)
def test_conv_output_size_rejects_invalid_arguments(args):
    with pytest.raises(ValueError):
        conv.conv_output_size(**args)


# ---------------------------------------------------------------- correlate2d


def test_correlate2d_example_from_the_slides_gives_8():
    image = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]])
    # image * kernel = [[-1, 0, 3], [-8, 0, 12], [-7, 0, 9]], whose sum is 8
    course.assert_equal(conv.correlate2d(image, SOBEL_X), torch.tensor([[8.0]]))


def test_correlate2d_of_a_7x7_image_with_a_3x3_kernel_is_5x5():
    assert conv.correlate2d(torch.randn(7, 7), torch.randn(3, 3)).shape == (5, 5)


def test_correlate2d_does_not_flip_the_kernel():
    image = torch.arange(12.0).reshape(3, 4)
    pick_top_left = torch.tensor([[1.0, 0.0], [0.0, 0.0]])
    course.assert_equal(conv.correlate2d(image, pick_top_left), image[:2, :3])


@settings(max_examples=25, deadline=None)
@given(
    kernel_height=st.integers(1, 4),
    kernel_width=st.integers(1, 4),
    extra_rows=st.integers(0, 5),  # the image is at least as large as the kernel
    extra_cols=st.integers(0, 5),
    dtype=DTYPES,
    seed=st.integers(0, 2**32 - 1),
)
def test_correlate2d_matches_pytorch(kernel_height, kernel_width, extra_rows, extra_cols, dtype, seed):
    height, width = kernel_height + extra_rows, kernel_width + extra_cols
    g = torch.Generator().manual_seed(seed)
    image = course.integers(g, (height, width), dtype)
    kernel = course.integers(g, (kernel_height, kernel_width), dtype)
    expected = F.conv2d(image[None, None], kernel[None, None])[0, 0]
    magnitude = F.conv2d(image.abs()[None, None], kernel.abs()[None, None]).max()
    assert_matches(conv.correlate2d(image, kernel), expected, magnitude)


def test_correlate2d_rejects_bad_shapes():
    with pytest.raises(ValueError):
        conv.correlate2d(torch.zeros(1, 5, 5), torch.zeros(3, 3))  # image is not 2-D
    with pytest.raises(ValueError):
        conv.correlate2d(torch.zeros(5, 5), torch.zeros(1, 3, 3))  # kernel is not 2-D
    with pytest.raises(ValueError):
        conv.correlate2d(torch.zeros(2, 5), torch.zeros(3, 3))  # kernel taller than image


# ---------------------------------------------------------------- conv2d


def test_conv2d_three_channels_two_kernels_like_the_slides():
    # UFRN: a (1, 3, 6, 6) image and 2 kernels of shape (3, 3, 3) give (1, 2, 4, 4).
    torch.manual_seed(0)
    image, weight, bias = torch.rand(1, 3, 6, 6), torch.randn(2, 3, 3, 3), torch.randn(2)
    out = conv.conv2d(image, weight, bias)
    assert out.shape == (1, 2, 4, 4)
    assert_matches(out, F.conv2d(image, weight, bias), magnitude=30)


def test_conv2d_padding_1_keeps_the_size_like_the_vsb_example():
    # VSB: Conv2d(1, 6, (3, 3), stride=1, padding=1) on a (1, 1, 10, 10) image.
    torch.manual_seed(1)
    image, weight, bias = torch.randn(1, 1, 10, 10), torch.randn(6, 1, 3, 3), torch.randn(6)
    out = conv.conv2d(image, weight, bias, stride=1, padding=1)
    assert out.shape == (1, 6, 10, 10)
    assert_matches(out, F.conv2d(image, weight, bias, padding=1), magnitude=30)


def test_conv2d_with_one_channel_and_no_bias_is_correlate2d():
    image = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]])
    out = conv.conv2d(image[None, None], SOBEL_X[None, None])
    course.assert_equal(out, torch.tensor([[[[8.0]]]]))


@settings(max_examples=25, deadline=None)
@given(
    batch=st.integers(1, 2),
    in_channels=st.integers(1, 3),
    out_channels=st.integers(1, 3),
    height=st.integers(1, 9),
    width=st.integers(1, 9),
    kernel_height=st.integers(1, 4),
    kernel_width=st.integers(1, 4),
    stride=int_or_pair(1, 3),
    padding=int_or_pair(0, 2),
    dilation=int_or_pair(1, 2),
    use_bias=st.booleans(),
    dtype=DTYPES,
    seed=st.integers(0, 2**32 - 1),
)
def test_conv2d_matches_pytorch_with_stride_padding_and_dilation(
    batch,
    in_channels,
    out_channels,
    height,
    width,
    kernel_height,
    kernel_width,
    stride,
    padding,
    dilation,
    use_bias,
    dtype,
    seed,
):
    pad_h, pad_w = padding if isinstance(padding, tuple) else (padding, padding)
    dil_h, dil_w = dilation if isinstance(dilation, tuple) else (dilation, dilation)
    assume(height + 2 * pad_h >= dil_h * (kernel_height - 1) + 1)  # the kernel fits
    assume(width + 2 * pad_w >= dil_w * (kernel_width - 1) + 1)
    g = torch.Generator().manual_seed(seed)
    x = course.integers(g, (batch, in_channels, height, width), dtype)
    weight = course.integers(g, (out_channels, in_channels, kernel_height, kernel_width), dtype)
    bias = course.integers(g, (out_channels,), dtype) if use_bias else None
    x_before, weight_before = x.clone(), weight.clone()

    out = conv.conv2d(x, weight, bias, stride=stride, padding=padding, dilation=dilation)

    expected = F.conv2d(x, weight, bias, stride=stride, padding=padding, dilation=dilation)
    magnitude = F.conv2d(
        x.abs(),
        weight.abs(),
        None if bias is None else bias.abs(),
        stride=stride,
        padding=padding,
        dilation=dilation,
    ).max()
    assert_matches(out, expected, magnitude)
    course.assert_equal(x, x_before, "conv2d must not modify its inputs")
    course.assert_equal(weight, weight_before, "conv2d must not modify its inputs")


@settings(max_examples=25, deadline=None)
@given(
    height=st.integers(1, 8),
    width=st.integers(1, 8),
    kernel_height=st.integers(1, 4),  # even sizes too: the extra padding goes bottom/right
    kernel_width=st.integers(1, 4),
    dilation=int_or_pair(1, 2),
    dtype=DTYPES,
    seed=st.integers(0, 2**32 - 1),
)
def test_conv2d_same_padding_matches_pytorch_also_for_even_kernels(
    height, width, kernel_height, kernel_width, dilation, dtype, seed
):
    g = torch.Generator().manual_seed(seed)
    x = course.integers(g, (1, 2, height, width), dtype)
    weight = course.integers(g, (3, 2, kernel_height, kernel_width), dtype)
    out = conv.conv2d(x, weight, padding="same", dilation=dilation)
    assert out.shape == (1, 3, height, width)
    with warnings.catch_warnings():  # PyTorch warns that even kernels need an extra padded copy
        warnings.simplefilter("ignore")
        expected = F.conv2d(x, weight, padding="same", dilation=dilation)
        magnitude = F.conv2d(x.abs(), weight.abs(), padding="same", dilation=dilation).max()
    assert_matches(out, expected, magnitude)


def test_conv2d_valid_padding_means_no_padding():
    x, weight = torch.randn(1, 1, 5, 6), torch.randn(1, 1, 3, 3)
    course.assert_close(conv.conv2d(x, weight, padding="valid"), conv.conv2d(x, weight, padding=0))


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_conv2d_keeps_the_input_dtype(dtype):
    x, weight = torch.randn(1, 1, 4, 4, dtype=dtype), torch.randn(1, 1, 3, 3, dtype=dtype)
    assert conv.conv2d(x, weight).dtype == dtype


@pytest.mark.parametrize(
    "x_shape, weight_shape, bias_shape, kwargs",
    [
        ((3, 6, 6), (2, 3, 3, 3), None, {}),  # input without a batch dimension
        ((1, 3, 6, 6), (2, 3, 3), None, {}),  # weight not 4-D
        ((1, 3, 6, 6), (2, 4, 3, 3), None, {}),  # 3 input channels, weight expects 4
        ((1, 3, 6, 6), (2, 3, 3, 3), (3,), {}),  # bias must have C_out = 2 entries
        ((1, 3, 6, 6), (2, 3, 7, 7), None, {}),  # kernel larger than the input
        ((1, 3, 6, 6), (2, 3, 3, 3), None, dict(padding="same", stride=2)),
        ((1, 3, 6, 6), (2, 3, 3, 3), None, dict(padding="full")),
        ((1, 3, 6, 6), (2, 3, 3, 3), None, dict(stride=0)),
        ((1, 3, 6, 6), (2, 3, 3, 3), None, dict(padding=-1)),
    ],
)
def test_conv2d_rejects_invalid_arguments(x_shape, weight_shape, bias_shape, kwargs):
    bias = None if bias_shape is None else torch.zeros(bias_shape)
    with pytest.raises(ValueError):
        conv.conv2d(torch.zeros(x_shape), torch.zeros(weight_shape), bias, **kwargs)


def test_conv2d_and_correlate2d_do_not_call_builtin_convolutions(monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("write the convolution with loops, not with a built-in")

    for module, name in [(F, "conv2d"), (torch, "conv2d"), (F, "unfold"), (torch, "convolution")]:
        monkeypatch.setattr(module, name, forbidden)
    conv.conv2d(torch.randn(1, 2, 5, 5), torch.randn(3, 2, 3, 3), torch.randn(3), padding=1)
    conv.correlate2d(torch.randn(5, 5), torch.randn(3, 3))
