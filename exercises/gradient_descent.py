"""Gradient descent on a one-variable function (VSB lecture, "Gradient Descent").

Training a network means walking downhill on its error landscape. Here the
landscape is a simple parabola, so every step can be followed by hand.
"""


def f(x: float) -> float:
    """The parabola ``f(x) = x**2 - 6*x + 1`` (given, not graded).

    Its lowest point is at ``x = 3``, where ``f(3) = -8``.

    >>> f(0.0)
    1.0
    >>> f(3.0)
    -8.0
    """
    return x**2 - 6 * x + 1


def deriv(x: float) -> float:
    """The exact derivative ``f'(x)`` of :func:`f`.

    Differentiate term by term: ``x**2`` gives ``2*x``, ``-6*x`` gives
    ``-6`` and the constant ``1`` gives ``0``. The derivative is negative
    left of the minimum, zero at it and positive right of it -- its sign
    tells you which way is uphill.

    >>> deriv(3.0)
    0.0
    >>> deriv(18.0)
    30.0
    """
    raise NotImplementedError('deriv: differentiate x**2 - 6*x + 1 term by term')


def gradient_descent(start: float, learning_rate: float, epochs: int, grad=deriv) -> list[float]:
    """Follow the negative gradient for ``epochs`` steps and record the path.

    Starting from ``x0 = start``, each step moves against the slope, scaled
    by the learning rate::

        x[k+1] = x[k] - learning_rate * grad(x[k])

    Args:
        start: the starting point ``x0``.
        learning_rate: the step-size factor; must be positive.
        epochs: how many steps to take; must be ``>= 0``.
        grad: any callable returning the derivative at a point
            (defaults to :func:`deriv`).

    Returns:
        The whole trajectory ``[x0, x1, ..., x_epochs]`` -- a list of
        ``epochs + 1`` floats whose first element is ``start``.

    Raises:
        ValueError: if ``epochs`` is negative or ``learning_rate`` is not
            positive.

    Example: from 0 with learning rate 0.25 the slope is -6, so the first
    step goes to ``0 - 0.25 * (-6) = 1.5``; the next to ``1.5 - 0.25 * (-3) = 2.25``.

    >>> gradient_descent(0.0, 0.25, 2)
    [0.0, 1.5, 2.25]
    """
    raise NotImplementedError('gradient_descent: check the arguments, then repeat x = x - learning_rate * grad(x), appending every x')
