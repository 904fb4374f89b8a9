"""Edge detection with hand-made kernels (VSB lecture, "Edge Detection" and
"Edge Detection OpenCV").

An edge is a sudden change of brightness. Sliding a small kernel such as
Sobel's over the image measures that change at every pixel.
"""
import numpy as np


def sobel_kernels() -> tuple[np.ndarray, np.ndarray]:
    """The two 3x3 Sobel kernels ``(gx, gy)`` as float32 arrays.

    ``gx`` responds to changes from left to right (vertical edges), ``gy``
    to changes from top to bottom (horizontal edges); ``gy`` is ``gx``
    transposed::

        gx = [[-1, 0, 1],        gy = [[-1, -2, -1],
              [-2, 0, 2],              [ 0,  0,  0],
              [-1, 0, 1]]              [ 1,  2,  1]]

    Each call returns new arrays, so changing one does not change the next.
    """
    raise NotImplementedError('sobel_kernels: write gx as a float32 np.array and return (gx, gx.T.copy())')


def _reflect101(index: np.ndarray, size: int) -> np.ndarray:
    """Fold indices that fall outside ``[0, size)`` back into the image (given).

    This is OpenCV's default border, ``BORDER_REFLECT_101``: the image is
    mirrored around its first and last pixel without repeating them, so
    for a row ``a b c d`` the padded row reads ``... c b | a b c d | c b ...``.
    The mirrored pattern repeats with period ``2 * (size - 1)``.

    >>> _reflect101(np.arange(-2, 6), 4)
    array([2, 1, 0, 1, 2, 3, 2, 1])
    """
    if size == 1:
        return np.zeros_like(index)
    period = 2 * (size - 1)
    index = np.mod(index, period)
    return np.where(index < size, index, period - index)


def filter2d(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """Correlate a single-channel image with a kernel, the way ``cv2.filter2D`` does.

    The kernel's centre is placed on every pixel ``(y, x)`` in turn; each
    kernel weight multiplies the pixel under it and the products are summed::

        out[y, x] = sum over (i, j) of kernel[i, j] * image[y + i - kh//2, x + j - kw//2]

    (No kernel flip: this is correlation, as in OpenCV and PyTorch.) Pixels
    outside the image are taken from its mirror image, ``BORDER_REFLECT_101``
    (see :func:`_reflect101`), so the output has the size of the input.

    Args:
        image: a 2-D array ``(H, W)`` of any real dtype; it is converted to
            float32 first, like ``image.astype(np.float32)``.
        kernel: a 2-D array ``(kh, kw)`` with odd ``kh`` and ``kw``
            (it need not be square, e.g. 1x3 or 3x5).

    Returns:
        A float32 array ``(H, W)``, equal to
        ``cv2.filter2D(image.astype(np.float32), cv2.CV_32F, kernel)``.

    Raises:
        ValueError: if ``image`` is not 2-D or empty, ``kernel`` is not
            2-D, or a kernel side is even.

    Example (the slide): a pixel left of the step from 100 to 200 gives
    ``(-100 - 200 - 100) + (200 + 400 + 200) = 400`` under Sobel x.

    Forbidden here: cv2.filter2D, cv2.Sobel, cv2.sepFilter2D, scipy,
    np.convolve, np.correlate and torch convolutions -- use loops.
    """
    raise NotImplementedError('filter2d: pad with _reflect101 indices, then loop over the kernel cells adding kernel[i, j] * shifted image')


def gradient_magnitude(image: np.ndarray, mode: str = "l2") -> np.ndarray:
    """The strength of the edges: how fast the brightness changes at each pixel.

    With ``Gx = filter2d(image, gx)`` and ``Gy = filter2d(image, gy)`` (the
    Sobel responses, see :func:`sobel_kernels`)::

        mode "l2":  G = sqrt(Gx**2 + Gy**2)     (the length of the gradient)
        mode "l1":  G = |Gx| + |Gy|             (a cheaper approximation)

    Args:
        image: a 2-D array of any real dtype.
        mode: ``"l2"`` (default) or ``"l1"``.

    Returns:
        A float32 array of the image's shape; large values mark edges.

    Raises:
        ValueError: for any other ``mode`` (and for images ``filter2d`` rejects).
    """
    raise NotImplementedError('gradient_magnitude: compute Gx and Gy with filter2d and the Sobel kernels, then combine them as the mode says')
