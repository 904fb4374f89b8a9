"""Known mistakes of edges.py."""

import numpy as np

from known_mistakes import Known


def _correlate(image, kernel, border):
    """filter2d's correlation, with the border of ``np.pad``'s mode ``border`` ("reflect" is OpenCV's default)."""
    image = np.asarray(image).astype(np.float32).astype(np.float64)
    kernel = np.asarray(kernel).astype(np.float32).astype(np.float64)
    (kh, kw), (height, width) = kernel.shape, image.shape
    padded = np.pad(image, ((kh // 2, kh // 2), (kw // 2, kw // 2)), mode=border)
    out = np.zeros(image.shape)
    for i in range(kh):
        for j in range(kw):
            out += kernel[i, j] * padded[i : i + height, j : j + width]
    return out.astype(np.float32)


MISTAKES = [
    Known(
        "edges.flips_kernel_true_convolution_cv2",
        "filter2d",
        "it flips the kernel (true convolution): cv2.filter2D computes a correlation, "
        "out[y, x] = sum of kernel[i, j] * image[y + i - kh//2, x + j - kw//2], with no flip",
        lambda image, kernel: _correlate(image, np.asarray(kernel)[::-1, ::-1], "reflect"),
    ),
    Known(
        "edges.border_padded_zeros_border_constant",
        "filter2d",
        "the border is padded with zeros (BORDER_CONSTANT); OpenCV's default is BORDER_REFLECT_101: "
        "mirror the image around its edge pixel without repeating it (... c b | a b c d | c b ...)",
        lambda image, kernel: _correlate(image, kernel, "constant"),
    ),
    Known(
        "edges.border_mirrors_image_including_edge",
        "filter2d",
        "the border mirrors the image including the edge pixel (BORDER_REFLECT: b a | a b c d; "
        "for a one-pixel border that is the same as BORDER_REPLICATE, a | a b c d); OpenCV's default "
        "is BORDER_REFLECT_101, which mirrors without repeating the edge pixel (c b | a b c d)",
        lambda image, kernel: _correlate(image, kernel, "symmetric"),
    ),
    Known(
        "edges.border_repeats_edge_pixel_border",
        "filter2d",
        "the border repeats the edge pixel (BORDER_REPLICATE: a a | a b c d; for a one-pixel border "
        "that is the same as BORDER_REFLECT, which mirrors including the edge pixel, b a | a b c d); "
        "OpenCV's default is BORDER_REFLECT_101, which mirrors without repeating the edge pixel "
        "(c b | a b c d)",
        lambda image, kernel: _correlate(image, kernel, "edge"),
    ),
    Known(
        "edges.border_wraps_around_other_side",
        "filter2d",
        "the border wraps around to the other side of the image (BORDER_WRAP); OpenCV's default "
        "is BORDER_REFLECT_101, a mirror image (c b | a b c d)",
        lambda image, kernel: _correlate(image, kernel, "wrap"),
    ),
    Known(
        "edges.rows_columns_kernel_swapped_kernel",
        "filter2d",
        "the rows and columns of the kernel are swapped: kernel[i, j] multiplies the pixel i rows "
        "down and j columns right of the window's top-left corner",
        lambda image, kernel: _correlate(image, np.asarray(kernel).T, "reflect"),
    ),
]
