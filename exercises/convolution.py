"""Convolution layers by hand (VSB lecture, "CONV2D PyTorch"; UFRN lecture,
"Convolutions").

What ``nn.Conv2d`` computes -- sizes, padding, stride, dilation and the
sum over input channels -- written out with loops.
"""
import numbers

import torch


def _pair(value, name: str, minimum: int) -> tuple[int, int]:
    """``(a, b)`` from an int ``a`` (meaning ``(a, a)``) or a pair ``(a, b)`` (given).

    Both numbers must be integers ``>= minimum``; otherwise a ``ValueError``
    names the argument.

    >>> _pair(2, "stride", 1)
    (2, 2)
    >>> _pair((1, 3), "dilation", 1)
    (1, 3)
    """
    def is_int(v):
        return isinstance(v, numbers.Integral) and not isinstance(v, bool)

    if is_int(value):
        pair = (value, value)
    elif isinstance(value, (tuple, list)) and len(value) == 2 and all(is_int(v) for v in value):
        pair = tuple(value)
    else:
        raise ValueError(f"{name} must be an int or a pair of ints, got {value!r}")
    if min(pair) < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value!r}")
    return int(pair[0]), int(pair[1])


def conv_output_size(n, kernel_size, stride=1, padding=0, dilation=1) -> int:
    """The length of a convolution's output along one axis.

    The input of length ``n`` gets ``padding`` zeros on both sides; a
    kernel of ``kernel_size`` taps spaced ``dilation`` apart covers
    ``dilation * (kernel_size - 1) + 1`` cells; it moves ``stride`` cells at
    a time and must fit inside::

        out = floor((n + 2*padding - dilation*(kernel_size - 1) - 1) / stride + 1)

    This is the slides' ``floor((n + 2p - k) / s + 1)`` with dilation added.

    >>> conv_output_size(7, 3)                       # UFRN: 7x7 input, 3x3 kernel
    5
    >>> conv_output_size(28, 5, padding=2)           # LeNet-5, C1
    28
    >>> conv_output_size(32, 3, stride=2, padding=1)
    16

    Raises:
        ValueError: if ``n``, ``kernel_size``, ``stride`` or ``dilation`` is
            not a positive integer, ``padding`` is negative, or the
            (dilated) kernel does not fit, i.e. the result would be below 1.
    """
    raise NotImplementedError('conv_output_size: validate each argument, apply the formula with integer floor division //, reject results below 1')


def correlate2d(image: torch.Tensor, kernel: torch.Tensor) -> torch.Tensor:
    """Valid 2-D cross-correlation of one image with one kernel.

    Put the kernel on every position where it fits completely inside the
    image, multiply the cells it covers by the kernel and add them up::

        out[y, x] = sum over (i, j) of image[y + i, x + j] * kernel[i, j]

    Shapes: ``image (H, W)``, ``kernel (kH, kW)`` -> ``(H - kH + 1, W - kW + 1)``.

    Example (UFRN, "Convolution Explained in Code"): the 3x3 image
    ``[[1, 2, 3], [4, 5, 6], [7, 8, 9]]`` and the Sobel x kernel
    ``[[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]`` fit in exactly one place;
    the products are ``[[-1, 0, 3], [-8, 0, 12], [-7, 0, 9]]`` and their
    sum is ``8``, so the result is ``tensor([[8]])``.

    Raises:
        ValueError: if ``image`` or ``kernel`` is not 2-D, the kernel is
            empty, or the kernel is larger than the image along an axis.

    Forbidden here: the same built-ins as for :func:`conv2d` -- use loops.
    """
    raise NotImplementedError('correlate2d: loop over every output position (y, x) and sum image[y:y+kH, x:x+kW] * kernel')


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1) -> torch.Tensor:
    """A 2-D convolution layer, exactly ``torch.nn.functional.conv2d`` (``groups=1``).

    Every output channel ``o`` has one kernel per input channel; the
    correlations of all input channels with their kernels are added, plus
    the bias::

        out[n, o] = bias[o] + sum over c of  weight[o, c]  (star)  input[n, c]

    Shapes:
        input  ``(N, C_in, H, W)``, weight ``(C_out, C_in, kH, kW)``,
        bias ``(C_out,)`` or ``None`` -> out ``(N, C_out, H_out, W_out)`` with
        ``H_out = conv_output_size(H, kH, stride, padding, dilation)`` (same for W).

    Options (each an int or a pair ``(along H, along W)``):
        stride: how far the kernel moves between outputs.
        padding: zeros added on every side; or ``"valid"`` (no padding) or
            ``"same"`` (output as large as the input; needs stride 1; the
            total padding ``dilation * (k - 1)`` is split with the odd extra
            row/column at the bottom/right, as PyTorch does).
        dilation: the spacing between kernel taps.

    Example (UFRN): input ``(1, 3, 6, 6)`` and weight ``(2, 3, 3, 3)`` give
    an output of shape ``(1, 2, 4, 4)``.

    A fast way "by loops": for each kernel cell ``(i, j)`` take the strided
    slice of the padded input that this cell touches for all outputs at once
    (shape ``(N, C_in, H_out, W_out)``), multiply by ``weight[:, :, i, j]``
    summing over ``C_in`` (``torch.einsum``), and accumulate.

    Raises:
        ValueError: if ``input`` or ``weight`` is not 4-D (there is no
            implicit batch dimension), the channel counts differ, ``bias``
            is not ``(C_out,)``, the dtypes differ, an option is invalid,
            ``"same"`` is used with a stride other than 1, or the kernel
            does not fit into the padded input.

    Forbidden here: F.conv2d, torch.conv2d, nn.Conv2d, F.unfold/nn.Unfold,
    any aten convolution, cv2.filter2D, scipy.signal, scipy.ndimage.
    """
    raise NotImplementedError('conv2d: zero-pad the input, then for each kernel cell (i, j) add einsum("nchw,oc->nohw", strided slice, weight[:, :, i, j])')
