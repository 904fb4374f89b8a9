"""Tests for edges.py (VSB lecture, "Edge Detection", "Edge Detection OpenCV")."""

import course
import cv2
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

edges = course.load("edges")

# The 4x4 image of the slides: two dark columns (100) and two bright ones (200).
STEP_IMAGE = np.array(
    [
        [100, 100, 200, 200],
        [100, 100, 200, 200],
        [100, 100, 200, 200],
        [100, 100, 200, 200],
    ],
    dtype=np.uint8,
)


def assert_matches_opencv(actual, expected, magnitude):
    """The contract's float32 tolerance; ``magnitude`` is the largest sum of |image| * |kernel|."""
    assert actual.dtype == np.float32
    course.assert_close(actual, expected, rtol=1e-4, atol=1e-5 * float(magnitude))


def test_sobel_kernels_are_the_ones_on_the_slides():
    gx, gy = edges.sobel_kernels()
    course.assert_equal(gx, [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]])
    course.assert_equal(gy, [[-1, -2, -1], [0, 0, 0], [1, 2, 1]])
    assert gx.dtype == np.float32 and gy.dtype == np.float32


def test_filter2d_sobel_x_on_the_slide_image_gives_400_next_to_the_step():
    gx, _ = edges.sobel_kernels()
    out = edges.filter2d(STEP_IMAGE, gx)
    # The slide's sum at an inner pixel beside the step, out[1, 1]:
    # -100 - 200 - 100 + 200 + 400 + 200 = 400
    # With the mirrored border, the outer columns see no change at all.
    course.assert_equal(out, [[0, 400, 400, 0]] * 4)


def test_filter2d_sobel_y_sees_no_horizontal_edge_in_the_slide_image():
    _, gy = edges.sobel_kernels()
    course.assert_equal(edges.filter2d(STEP_IMAGE, gy), np.zeros((4, 4)))


def test_filter2d_mirrors_the_border_without_repeating_the_edge_pixel():
    # A 1x3 kernel that picks the left neighbour. BORDER_REFLECT_101 pads
    # the row  a b c d  as  b | a b c d | c,  so the left neighbour of a is b.
    image = np.array([[1.0, 2.0, 3.0, 4.0]])
    left_neighbour = np.array([[1.0, 0.0, 0.0]])
    course.assert_equal(edges.filter2d(image, left_neighbour), [[2, 1, 2, 3]])


def test_filter2d_is_a_correlation_the_kernel_is_not_flipped():
    image = np.array([[1.0, 2.0, 3.0, 4.0]])
    right_neighbour = np.array([[0.0, 0.0, 1.0]])
    course.assert_equal(edges.filter2d(image, right_neighbour), [[2, 3, 4, 3]])


def test_filter2d_on_the_slide_image_matches_opencv():
    dx_kernel = np.array([[-1, 0, 1]])  # the 1x3 kernel of the OpenCV slide
    expected = cv2.filter2D(STEP_IMAGE.astype(np.float32), cv2.CV_32F, dx_kernel)
    assert_matches_opencv(edges.filter2d(STEP_IMAGE, dx_kernel), expected, 400)


@settings(max_examples=25, deadline=None)
@given(
    height=st.integers(1, 12),
    width=st.integers(1, 12),
    kernel_height=st.sampled_from([1, 3, 5]),
    kernel_width=st.sampled_from([1, 3, 5]),
    dtype=st.sampled_from([np.uint8, np.int32, np.float32, np.float64]),
    seed=st.integers(0, 2**32 - 1),
)
def test_filter2d_matches_opencv(height, width, kernel_height, kernel_width, dtype, seed):
    rng = np.random.default_rng(seed)  # small whole numbers: a failing example can be checked by hand
    image = rng.integers(0, 10, (height, width)).astype(dtype)
    kernel = rng.integers(-3, 4, (kernel_height, kernel_width)).astype(np.float32)
    before = image.copy()

    out = edges.filter2d(image, kernel)

    expected = cv2.filter2D(image.astype(np.float32), cv2.CV_32F, kernel)
    magnitude = cv2.filter2D(np.abs(image.astype(np.float32)), cv2.CV_32F, np.abs(kernel)).max()
    assert_matches_opencv(out, expected, magnitude)
    course.assert_equal(image, before, "filter2d must not modify the image")


def test_filter2d_rejects_even_kernels():
    with pytest.raises(ValueError):
        edges.filter2d(STEP_IMAGE, np.ones((2, 2)))
    with pytest.raises(ValueError):
        edges.filter2d(STEP_IMAGE, np.ones((3, 4)))


def test_filter2d_rejects_images_that_are_not_2d():
    with pytest.raises(ValueError):
        edges.filter2d(np.zeros((4, 4, 3)), np.ones((3, 3)))
    with pytest.raises(ValueError):
        edges.filter2d(np.zeros(4), np.ones((3, 3)))


def test_gradient_magnitude_of_the_slide_image():
    # Only Gx is non-zero here, so both modes give |Gx|.
    expected = np.array([[0, 400, 400, 0]] * 4, dtype=np.float32)
    course.assert_close(edges.gradient_magnitude(STEP_IMAGE, "l2"), expected)
    course.assert_close(edges.gradient_magnitude(STEP_IMAGE, "l1"), expected)


def test_gradient_magnitude_l1_and_l2_by_hand():
    # A diagonal edge. At the centre pixel Sobel x gives 2*10 + 1*10 = 30
    # and Sobel y gives 2*10 + 1*10 = 30 as well.
    image = np.array([[0, 0, 0], [0, 0, 10], [0, 10, 10]], dtype=np.uint8)
    assert edges.gradient_magnitude(image, "l1")[1, 1] == pytest.approx(30 + 30)
    assert edges.gradient_magnitude(image, "l2")[1, 1] == pytest.approx(np.sqrt(30**2 + 30**2))
    assert edges.gradient_magnitude(image).dtype == np.float32  # "l2" is the default


@settings(max_examples=25, deadline=None)
@given(
    height=st.integers(3, 16),
    width=st.integers(3, 16),
    mode=st.sampled_from(["l1", "l2"]),
    seed=st.integers(0, 2**32 - 1),
)
def test_gradient_magnitude_matches_opencv_sobel(height, width, mode, seed):
    image = np.random.default_rng(seed).integers(0, 256, (height, width)).astype(np.uint8)
    grad_x = cv2.Sobel(image.astype(np.float32), cv2.CV_32F, 1, 0, ksize=3)
    grad_y = cv2.Sobel(image.astype(np.float32), cv2.CV_32F, 0, 1, ksize=3)
    if mode == "l2":
        expected = np.sqrt(grad_x**2 + grad_y**2)
    else:
        expected = np.abs(grad_x) + np.abs(grad_y)
    assert_matches_opencv(edges.gradient_magnitude(image, mode), expected, 255 * 8)


def test_gradient_magnitude_rejects_an_unknown_mode():
    with pytest.raises(ValueError):
        edges.gradient_magnitude(STEP_IMAGE, "l3")
