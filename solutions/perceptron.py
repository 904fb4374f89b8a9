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
    ### BEGIN SOLUTION
    ### HINT: use e = exp(-|z|) and pick 1/(1+e) where z >= 0 and e/(1+e) elsewhere (torch.where)
    if not z.is_floating_point():
        z = z.to(torch.get_default_dtype())
    e = torch.exp(-torch.abs(z))
    return torch.where(z >= 0, 1 / (1 + e), e / (1 + e))
    ### END SOLUTION


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
    ### BEGIN SOLUTION
    ### HINT: check the shapes, then return sigmoid(x @ w + b) using your sigmoid
    if x.dim() not in (1, 2):
        raise ValueError(f"x must have shape (n,) or (N, n), got {tuple(x.shape)}")
    if w.dim() != 1:
        raise ValueError(f"w must have shape (n,), got {tuple(w.shape)}")
    if x.shape[-1] != w.shape[0]:
        raise ValueError(
            f"x has {x.shape[-1]} features but w has {w.shape[0]} weights; they must be equal"
        )
    if isinstance(b, torch.Tensor):
        if b.numel() != 1:
            raise ValueError(f"b must be a float or a 0-d tensor, got shape {tuple(b.shape)}")
        b = b.reshape(())
    return sigmoid(x @ w + b)
    ### END SOLUTION
