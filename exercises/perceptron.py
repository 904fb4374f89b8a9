"""The perceptron (VSB lecture, "Perceptron" and "The full perceptron model").

A perceptron weighs its inputs, adds a bias and squashes the sum with an
activation function; here the activation is the logistic sigmoid.
"""
import torch


def sigmoid(z: torch.Tensor) -> torch.Tensor:
    """The logistic function ``1 / (1 + exp(-z))``, elementwise.

    It maps any real number into ``(0, 1)``: ``sigmoid(0) = 0.5``, large
    positive ``z`` give values near 1, large negative ``z`` values near 0.

    Written literally, the formula overflows: for ``z = -1e4`` the term
    ``exp(1e4)`` is ``inf``. A stable version never exponentiates a
    positive number. With ``e = exp(-|z|)`` (always in ``(0, 1]``)::

        z >= 0:  sigmoid(z) = 1 / (1 + e)
        z <  0:  sigmoid(z) = e / (1 + e)      (multiply top and bottom by exp(z))

    Args:
        z: a tensor of any shape. Floating dtypes are kept; integer tensors
            are converted to the default float dtype, as ``torch.sigmoid`` does.

    Returns:
        A tensor of the same shape, equal to ``torch.sigmoid(z)``.

    >>> sigmoid(torch.tensor([-1e4, 0.0, 1e4]))
    tensor([0.0000, 0.5000, 1.0000])
    """
    raise NotImplementedError('sigmoid: use e = exp(-|z|) and pick 1/(1+e) where z >= 0 and e/(1+e) elsewhere (torch.where)')


def perceptron(x: torch.Tensor, w: torch.Tensor, b) -> torch.Tensor:
    """The output ``sigmoid(x @ w + b)`` of a single perceptron.

    Shapes:
        x: ``(n,)`` for one sample or ``(N, n)`` for a batch of ``N``.
        w: ``(n,)``, one weight per input feature.
        b: the bias, a Python float or a 0-d tensor.
        result: ``()`` for one sample, ``(N,)`` for a batch.

    Raises:
        ValueError: if ``x`` is not 1-D or 2-D, ``w`` is not 1-D, the number
            of features of ``x`` differs from the length of ``w``, or ``b``
            is a tensor with more than one element.

    >>> perceptron(torch.tensor([1.0, 2.0]), torch.tensor([0.5, -0.25]), 0.0)
    tensor(0.5000)
    """
    raise NotImplementedError('perceptron: check the shapes, then return sigmoid(x @ w + b) using your sigmoid')
