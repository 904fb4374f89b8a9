"""From logits to probabilities and losses (UFRN lecture, "softmax" and
"Loss Function for Multiclass Classification").

Softmax turns a row of scores into probabilities; cross-entropy measures
how much probability the model gave to the right class.
"""
import torch


def softmax(logits: torch.Tensor, dim: int = -1) -> torch.Tensor:
    """Probabilities from logits along ``dim``; equal to ``torch.softmax``.

    ::

        softmax(z)_i = exp(z_i) / sum_c exp(z_c)

    Subtracting the row maximum first does not change the result (it
    cancels between top and bottom) but keeps every ``exp`` at most 1, so
    logits like ``1e4`` do not overflow to ``inf / inf = nan``.

    Example (UFRN): ``softmax(tensor([1.3863, 0.0, -0.6931]))`` is
    ``tensor([0.7273, 0.1818, 0.0909])`` -- the odds 4 : 1 : 0.5, normalised.

    Integer logits are converted to the default float dtype first.
    """
    raise NotImplementedError('softmax: shift by logits.amax(dim, keepdim=True), exponentiate, divide by the sum along dim')


def log_softmax(logits: torch.Tensor, dim: int = -1) -> torch.Tensor:
    """The logarithm of :func:`softmax`, computed stably; equal to ``torch.log_softmax``.

    ::

        log_softmax(z)_i = z_i - log(sum_c exp(z_c))
                         = (z_i - m) - log(sum_c exp(z_c - m))    with m = max_c z_c

    Taking ``log(softmax(z))`` directly fails for large gaps: a probability
    that underflows to 0 gives ``-inf``, whereas the formula above gives
    the finite answer (e.g. ``-2e4`` for logits ``[1e4, -1e4]``).
    """
    raise NotImplementedError('log_softmax: shifted = logits - max; return shifted - log(sum(exp(shifted))) along dim')


def cross_entropy(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy of a batch of logits; equal to ``F.cross_entropy``.

    For sample ``n`` with true class ``y_n`` the loss is minus the log of the
    probability the model gave to that class::

        loss = -(1/N) * sum_n log_softmax(logits[n])[y_n]

    Shapes: ``logits (N, C)``, ``labels (N,)`` of dtype int64 with values in
    ``[0, C)``; the result is a 0-d tensor.

    Example (UFRN): ``torch.manual_seed(11); torch.randn(5, 3)`` as logits
    and labels ``[0, 0, 1, 2, 1]`` give ``1.6553``.

    Raises:
        ValueError: if ``logits`` is not 2-D, ``labels`` is not an int64
            tensor of shape ``(N,)``, or a label is outside ``[0, C)``.
    """
    raise NotImplementedError('cross_entropy: check shapes/labels, take log_softmax along dim 1, pick column labels[n] of row n, average, negate')


def binary_cross_entropy(probs: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Mean binary cross-entropy of predicted probabilities; equal to ``F.binary_cross_entropy``.

    For a probability ``p`` that the label is 1 and a label ``y`` (0 or 1)::

        loss = -(1/M) * sum [ y * log(p) + (1 - y) * log(1 - p) ]

    over all ``M`` elements. As in PyTorch each ``log`` is clamped at
    ``-100``, so a confident wrong answer (``p = 0`` for ``y = 1``) costs
    100 instead of infinity.

    Args:
        probs: probabilities in ``[0, 1]``, any shape.
        labels: the targets, same shape, values in ``[0, 1]`` (usually 0 or
            1); converted to the dtype of ``probs``.

    Raises:
        ValueError: if the shapes differ, or a probability or label is
            outside ``[0, 1]`` (or NaN).
    """
    raise NotImplementedError('binary_cross_entropy: check shapes and ranges, clamp torch.log(p) and torch.log1p(-p) at -100, mix with y and 1-y, mean')
